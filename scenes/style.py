"""The one palette, type scale and layout of the video; TeX colouring comes from here too."""

from __future__ import annotations

import os

from manim import BLACK, WHITE, ManimColor, config

# Palette of the storyboard (exact colours).
DATA = ManimColor("#18B8C8")
WEIGHT = ManimColor("#FFFFFF")
NOISE = ManimColor("#E07B9D")
LIKELIHOOD = ManimColor("#D85A30")
PRIOR = ManimColor("#7F77DD")
POSTERIOR = ManimColor("#1D9E75")
LAMBDA = ManimColor("#C9A227")
BACKGROUND = ManimColor("#0E0F13")
MUTED = ManimColor("#8A8F98")

# A light theme for white slide templates: same hues, white weight shown as near-black.
THEME = os.environ.get("MLE2MAP_THEME", "dark")
if THEME == "light":
    WEIGHT = ManimColor("#1A1A1A")
    DATA = ManimColor("#0E8F9C")
    NOISE = ManimColor("#C2456F")  # the pink and the gold are too faint on white (contrast < 3:1)
    LAMBDA = ManimColor("#9A7A12")
    BACKGROUND = ManimColor("#FFFFFF")
    MUTED = ManimColor("#5A5F68")
    config.background_color = BACKGROUND
TEXT = WEIGHT if THEME == "light" else WHITE
INK = BLACK if THEME == "light" else WHITE

# One type family: words are set in Computer Modern Unicode (Debian's fonts-cmu), the face TeX sets the math in.
FONT = "CMU Serif"
FONT_PACKAGE = "fonts-cmu"
#: Pango's CMU Serif at font size F is as large as TeX at 1.339 F; words are scaled by this so that a size means
#: the same height for words (Text) and math (MathTex, DecimalNumber). Measured on the cap height of "H".
TEXT_SCALE = 0.747
#: Height of one em in pixels at 1080p for size 1 (cmr10: cap height 0.683 em; MathTex "H" at 48 is 0.3402 units).
EM_PX_PER_SIZE = 1.401
#: No text smaller than 2.2 % of the frame height: one em of 24 px at 1080p (8 px on a 360p phone preview).
MIN_TEXT_PX = 24.0

# Type scale, in TeX sizes (Manim font sizes of MathTex); the smallest is 26 (an em of 36 px at 1080p), so that
# even a TeX subscript (70 %) stays above MIN_TEXT_PX.
TITLE_SIZE = 56
HEADING_SIZE = 40
BODY_SIZE = 32
LABEL_SIZE = 30
SMALL_SIZE = 26

# Layout: the 16:9 frame is 14.22 x 8 units; keep this margin free at every edge.
MARGIN = 0.45
FRAME_W = config.frame_width
FRAME_H = config.frame_height

# TeX symbols and their colours: every equation isolates these so each symbol matches its curve.
TEX_COLORS: dict[str, ManimColor] = {
    r"\sigma_n": NOISE,
    r"\sigma": PRIOR,
    r"\lambda": LAMBDA,
    "w": WEIGHT,
    "D": DATA,
    "x_i": DATA,
    "y_i": DATA,
}


def tex_colors(**extra: ManimColor) -> dict[str, ManimColor]:
    """The palette's TeX colour map, optionally extended by a scene (e.g. whole sub-formulas)."""
    return {**TEX_COLORS, **extra}


def em_pixels(size: float, height_px: int = 1080) -> float:
    """The em of text at TeX size ``size`` in pixels of a frame ``height_px`` tall."""
    return size * EM_PX_PER_SIZE * height_px / 1080


def require_font() -> None:
    """Stop with one line naming the package to install when the text face is missing (Pango would silently
    substitute another family and bring back two type systems)."""
    import manimpango

    if FONT not in manimpango.list_fonts():
        raise RuntimeError(f"the on-screen font {FONT!r} is not installed: run `make setup` "
                           f"(or apt-get install {FONT_PACKAGE})")


def font_file(style: str = "Roman") -> str:
    """Path of the face's font file (for pictures drawn outside Manim: contact sheet, handout)."""
    import subprocess

    found = subprocess.run(["fc-match", "-f", "%{file}", f"{FONT}:style={style}"], capture_output=True, text=True)
    path = found.stdout.strip()
    if found.returncode != 0 or "cmu" not in path.lower():
        raise RuntimeError(f"the font file of {FONT!r} was not found: run `make setup` "
                           f"(or apt-get install {FONT_PACKAGE})")
    return path

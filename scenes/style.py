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

# Type scale (font sizes in Manim units at 1080p; readable at 720p).
TITLE_SIZE = 56
HEADING_SIZE = 40
BODY_SIZE = 32
LABEL_SIZE = 26
SMALL_SIZE = 22
FONT = "DejaVu Sans"

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

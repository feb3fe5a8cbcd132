"""The deck as a printable handout: one A4 landscape page per beat with its last frame, titles and narration.

Text is set in the project's face, Computer Modern Unicode (Debian ``fonts-cmu``); the few characters CMU
lacks (the subscript ``ᵢ``) come from DejaVu Serif (``fonts-dejavu-core``). A character that neither font
can draw stops the build with its page named, so no page ever prints a blank box.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from PIL import Image

from scenes.chapters import Chapter

HANDOUT_NAME = "handout.pdf"
CMU = Path("/usr/share/fonts/truetype/cmu")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# family -> style ("" regular, "B" bold) -> file; the first family is the text face, the others fill its gaps.
FONTS: dict[str, dict[str, Path]] = {
    "cmu": {"": CMU / "cmunrm.ttf", "B": CMU / "cmunbx.ttf"},
    "dejavu": {"": DEJAVU / "DejaVuSerif.ttf", "B": DEJAVU / "DejaVuSerif-Bold.ttf"},
}
FONT_PACKAGES = "fonts-cmu fonts-dejavu-core"

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
IMAGE_W = 232.0  # the frame's width on the page; header, narration and footer share its column
TOP, BOTTOM = 12.0, 12.0
GREY, INK, RULE = (95, 95, 95), (20, 20, 20), (185, 185, 185)
NARRATION_PT, NARRATION_MIN_PT = 13.0, 9.0


@dataclass(frozen=True)
class HandoutPage:
    """One beat: its chapter, its narration heading key, its narration text and its last frame (an image file)."""

    chapter: Chapter
    beat: str
    narration: str
    image: Path


def beat_title(key: str) -> str:
    """The narration heading ``sigma_narrow`` as a title: ``Sigma narrow``."""
    text = " ".join(key.split("_")).strip()
    return text[:1].upper() + text[1:]


@functools.cache
def _codepoints(font: Path) -> frozenset[int]:
    return frozenset(TTFont(str(font), lazy=True).getBestCmap())


def missing_glyphs(text: str, fonts: Sequence[Path]) -> list[str]:
    """The characters of ``text`` (whitespace aside) that none of ``fonts`` can draw, in order of appearance."""
    have = frozenset().union(*(_codepoints(f) for f in fonts))
    return list(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in have))


def _chapter_line(chapter: Chapter) -> str:
    return f"Chapter {chapter.number} · {chapter.title}"


def check_fonts(beats: Iterable[tuple[Chapter, str, str]], title: str) -> None:
    """Refuse fonts that are not installed and text that no font of ``FONTS`` can draw; ``beats`` are
    (chapter, narration heading, narration) in page order."""
    absent = [str(p) for styles in FONTS.values() for p in styles.values() if not p.is_file()]
    if absent:
        raise RuntimeError(f"handout font not found: {', '.join(absent)}: run `make setup` "
                           f"(or apt-get install {FONT_PACKAGES})")
    problems = []
    for number, (chapter, beat, narration) in enumerate(beats, start=1):
        texts = {"": [_chapter_line(chapter), narration, title], "B": [beat_title(beat)]}
        for style, parts in texts.items():
            gaps = missing_glyphs(" ".join(parts), [styles[style] for styles in FONTS.values()])
            if gaps:
                chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in gaps)
                problems.append(f"page {number} ({chapter.slug} {beat}): no font draws {chars}")
    if problems:
        raise ValueError("handout: " + "; ".join(problems) + ": reword the narration or the title")


class _Handout(FPDF):
    def __init__(self, title: str, pages: int) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.deck_title, self.total = title, pages
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.c_margin = 0
        for family, styles in FONTS.items():
            for style, path in styles.items():
                self.add_font(family, style, str(path))
        self.set_fallback_fonts([f for f in FONTS if f != "cmu"], exact_match=False)
        self.set_title(f"{title}: handout")
        self.set_subject("One page per beat: its last frame, its chapter and its narration")
        self.set_creator("mle-to-map production.deck.handout")
        self.set_lang("en")

    def beat_page(self, number: int, page: HandoutPage) -> None:
        self.add_page()
        left = (PAGE_W - IMAGE_W) / 2
        self.set_text_color(*GREY)
        self.set_font("cmu", "", 11)
        self.set_xy(left, TOP)
        self.cell(IMAGE_W, 5, _chapter_line(page.chapter))
        self.set_text_color(*INK)
        self.set_font("cmu", "B", 20)
        self.set_xy(left, TOP + 6)
        self.cell(IMAGE_W, 9, beat_title(page.beat))
        top = TOP + 19
        with Image.open(page.image) as image:
            height = IMAGE_W * image.height / image.width
        self.image(str(page.image), x=left, y=top, w=IMAGE_W, h=height)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.rect(left, top, IMAGE_W, height)
        self._narration(page, left, top + height + 6)
        self.set_text_color(*GREY)
        self.set_font("cmu", "", 8)
        self.set_xy(left, PAGE_H - BOTTOM - 3)
        self.cell(IMAGE_W / 2, 4, self.deck_title)
        self.cell(IMAGE_W / 2, 4, f"{number} / {self.total}", align="R")

    def _narration(self, page: HandoutPage, left: float, top: float) -> None:
        """The narration below the frame, in the largest size from 13 pt down to 9 pt that fits above the footer."""
        room = PAGE_H - BOTTOM - 6 - top
        size = NARRATION_PT
        while True:
            self.set_font("cmu", "", size)
            line = size * 0.47  # mm: 1.33 times the type size
            lines = self.multi_cell(IMAGE_W, line, page.narration, align="L", dry_run=True, output="LINES")
            if len(lines) * line <= room:
                break
            if size <= NARRATION_MIN_PT:
                raise ValueError(f"handout: the narration of {page.chapter.slug} {page.beat} does not fit on "
                                 f"its page ({len(page.narration)} characters): shorten it in "
                                 f"scenes/narration/{page.chapter.slug}.md")
            size -= 0.5
        self.set_text_color(*INK)
        self.set_xy(left, top)
        self.multi_cell(IMAGE_W, line, page.narration, align="L")


def write_handout(pages: Sequence[HandoutPage], dest: Path, title: str) -> Path:
    """Write the handout PDF to ``dest``: built to a temporary name in the same folder, then renamed."""
    if not pages:
        raise ValueError("pages must hold at least one beat")
    check_fonts([(p.chapter, p.beat, p.narration) for p in pages], title)
    pdf = _Handout(title, len(pages))
    for number, page in enumerate(pages, start=1):
        pdf.beat_page(number, page)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.stem}.part{dest.suffix}")
    subset_log = logging.getLogger("fontTools.subset")
    level = subset_log.level
    subset_log.setLevel(logging.ERROR)  # CMU's 'TeX ' table cannot be subset; it is dropped, which is harmless
    try:
        pdf.output(str(tmp))
        os.replace(tmp, dest)
    finally:
        subset_log.setLevel(level)
        tmp.unlink(missing_ok=True)
    return dest

"""The PDF handout on small fixtures: one page per beat in order, its titles and narration, its frame, every glyph."""

from __future__ import annotations

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from production.deck import handout
from production.deck.handout import HandoutPage, beat_title, check_fonts, missing_glyphs, write_handout
from scenes.chapters import CHAPTERS, by_slug
from scenes.narration import load_script
from scenes.segments import plain

TITLE = "From MLE to MAP: L2 regularization is Bayesian in disguise"
# ch03 "equation" holds the subscript ᵢ (not in CMU), | and ²; ch01's title λ and ²; ch07 "why_losses" ³ (and is
# among the longest beats); ch10 "weight_decay" √.
BEATS = (("ch03_likelihood", "equation"), ("ch01_cold_open", "ridge_loss"), ("ch07_algebra", "why_losses"),
         ("ch10_what_it_means", "weight_decay"))


def _narration(slug: str, key: str) -> str:
    """The beat's narration as the slide notes hold it (scenes/base.py: bookmarks out, one line)."""
    return " ".join(plain(load_script(slug)[key]).split())


def _frame(path, seed: int) -> None:
    """A 16:9 RGB picture with a different pattern per seed."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (9, 16, 3), dtype=np.uint8)
    Image.fromarray(small).resize((160, 90), Image.NEAREST).save(path)


@pytest.fixture
def pages(tmp_path) -> list[HandoutPage]:
    out = []
    for i, (slug, key) in enumerate(BEATS):
        image = tmp_path / f"{i}.png"
        _frame(image, i)
        out.append(HandoutPage(by_slug(slug), key, _narration(slug, key), image))
    return out


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_one_page_per_beat_with_titles_narration_and_frame(pages, tmp_path):
    pdf = write_handout(pages, tmp_path / "handout.pdf", TITLE)
    reader = PdfReader(pdf)
    assert len(reader.pages) == len(pages)
    for number, (page, printed) in enumerate(zip(pages, reader.pages, strict=True), start=1):
        text = _squeezed(printed.extract_text())
        assert _squeezed(f"Chapter {page.chapter.number} · {page.chapter.title}") in text
        assert _squeezed(beat_title(page.beat)) in text
        assert _squeezed(page.narration) in text, "the whole narration, every character, in order"
        assert _squeezed(f"{number} / {len(pages)}") in text
        (image,) = printed.images
        got = np.asarray(image.image.convert("RGB")).astype(int)
        want = np.asarray(Image.open(page.image).convert("RGB")).astype(int)
        assert got.shape == want.shape and np.abs(got - want).max() <= 1
        width, height = float(printed.mediabox.width), float(printed.mediabox.height)
        assert width > height and abs(width / height - 297 / 210) < 0.01, "A4 landscape"
    assert "yᵢ" in reader.pages[0].extract_text() and "√λ" in reader.pages[3].extract_text()
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("CMUSerif" in f for f in fonts) and any("DejaVuSerif" in f for f in fonts)


def test_beat_titles_come_from_the_narration_headings():
    assert beat_title("sigma_narrow") == "Sigma narrow"
    assert beat_title("end_card") == "End card"


def test_missing_glyphs_are_caught(pages, tmp_path):
    regular = handout.FONTS["cmu"][""]
    assert missing_glyphs("yᵢ = w·xᵢ", [regular]) == ["ᵢ"], "CMU has no subscript i: the fallback is needed"
    assert missing_glyphs("yᵢ = w·xᵢ", [regular, handout.FONTS["dejavu"][""]]) == []
    dest = tmp_path / "handout.pdf"
    bad = [pages[0], HandoutPage(pages[1].chapter, pages[1].beat, "a prior of 字 width", pages[1].image)]
    with pytest.raises(ValueError, match=r"page 2 \(ch01_cold_open ridge_loss\): no font draws '字' \(U\+5B57\)"):
        write_handout(bad, dest, TITLE)
    assert not dest.exists()


def test_every_chapter_title_and_narration_has_its_glyphs():
    check_fonts([(c, key, _narration(c.slug, key)) for c in CHAPTERS for key in load_script(c.slug)], TITLE)


def test_narration_too_long_for_a_page_is_refused(pages, tmp_path):
    long = HandoutPage(pages[0].chapter, pages[0].beat, "word " * 400, pages[0].image)
    with pytest.raises(ValueError, match="does not fit"):
        write_handout([long], tmp_path / "handout.pdf", TITLE)


def test_a_failed_write_keeps_the_old_handout_and_leaves_no_part_file(pages, tmp_path, monkeypatch):
    dest = tmp_path / "handout.pdf"
    dest.write_bytes(b"the previous handout")

    def broken_output(self, name=""):
        with open(name, "wb") as handle:
            handle.write(b"%PDF-1.3 half")
        raise OSError("disk full")

    monkeypatch.setattr(FPDF, "output", broken_output)
    with pytest.raises(OSError, match="disk full"):
        write_handout(pages, dest, TITLE)
    assert dest.read_bytes() == b"the previous handout"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == ["handout.pdf"]

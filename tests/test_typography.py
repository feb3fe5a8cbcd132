"""One type family on screen: words in CMU Serif at the size of the TeX math, readouts on one baseline,
nothing under 24 px, a clear stop when the face is missing."""

from __future__ import annotations

import pytest
from manim import UL, MathTex, Text

from scenes import style as S
from scenes.parts import Readout, label
from tests.scene_harness import text_em_pixels, type_problems


def test_words_are_as_tall_as_the_math_at_the_same_size():
    for size in (S.SMALL_SIZE, S.BODY_SIZE, S.TITLE_SIZE):
        words, math = label("Hx", size), MathTex(r"\text{Hx}", font_size=size)
        assert words.height == pytest.approx(math.height, rel=0.01)
        assert words.width == pytest.approx(math.width, rel=0.02)


def test_label_uses_the_one_family():
    assert label("MLE").font == S.FONT == "CMU Serif"
    assert not type_problems(label("MLE", S.SMALL_SIZE))


def test_em_in_pixels_matches_the_typeset_cap_height():
    # cmr10's capital H is 0.683 em tall; at 1080p one scene unit is 135 px.
    h = MathTex("H", font_size=S.BODY_SIZE).height * 1080 / 8
    assert S.em_pixels(S.BODY_SIZE) == pytest.approx(h / 0.683, rel=0.01)
    assert S.em_pixels(S.SMALL_SIZE, 360) == pytest.approx(S.em_pixels(S.SMALL_SIZE) / 3)


def test_smallest_size_and_its_subscripts_stay_readable():
    assert S.em_pixels(S.SMALL_SIZE) >= S.MIN_TEXT_PX
    assert S.em_pixels(S.SMALL_SIZE) * 0.7 >= S.MIN_TEXT_PX  # TeX sets subscripts at 70 %


def test_the_check_flags_another_face_and_small_text():
    other = Text("MLE", font="DejaVu Sans", font_size=30)
    assert any("DejaVu Sans" in p for p in type_problems(other))
    tiny = label("ticks", S.SMALL_SIZE).scale(0.6)
    assert text_em_pixels(tiny) == pytest.approx(S.em_pixels(S.SMALL_SIZE) * 0.6, rel=0.01)
    assert any("em of" in p for p in type_problems(tiny))


@pytest.mark.parametrize("tex", [r"\sigma", r"\text{MAP/MLE}", r"w_{\text{MLE}}", r"\text{degree}"])
def test_readout_number_sits_where_tex_would_set_it(tex):
    readout = Readout(tex, lambda: 0.3, S.PRIOR, decimals=2, size=S.BODY_SIZE)
    ref = MathTex(tex, "=", "0.30", font_size=S.BODY_SIZE).move_to(readout, aligned_edge=UL)
    # Same layout as a single TeX line: label and equals where TeX put them, digits on the same baseline.
    assert readout.number.get_bottom()[1] == pytest.approx(ref[2].get_bottom()[1], abs=0.01)
    assert readout.number.get_left()[0] == pytest.approx(ref[2].get_left()[0], abs=0.01)
    assert readout.lhs[0].get_bottom()[1] == pytest.approx(ref[0].get_bottom()[1], abs=0.01)
    assert readout.number.font_size == pytest.approx(S.BODY_SIZE)



def test_readout_unit_follows_a_growing_number_on_the_baseline():
    value = {"v": 9.0}
    readout = Readout(None, lambda: value["v"], S.WEIGHT, decimals=0, prefix=r"\$", unit="per sq ft")
    gap = readout.unit.get_left()[0] - readout.number.get_right()[0]
    y = readout.unit.get_y()
    value["v"] = 12345.0
    readout.update()
    assert readout.shown == 12345
    assert readout.unit.get_left()[0] - readout.number.get_right()[0] == pytest.approx(gap, abs=1e-6)
    assert readout.unit.get_y() == pytest.approx(y)


def test_missing_face_stops_with_the_package_to_install(monkeypatch):
    monkeypatch.setattr(S, "FONT", "No Such Face 12")
    with pytest.raises(RuntimeError, match="fonts-cmu"):
        S.require_font()

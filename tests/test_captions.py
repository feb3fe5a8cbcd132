"""Merged captions: parsed back with real subtitle parsers, offsets right, re-wrapping rules hold."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from production.packaging.captions import MAX_LINE, merge_captions
from scenes.narration import estimated_duration, load_script
from scenes.segments import plain


def write_srt(path: Path, items: list[tuple[float, float, str]]) -> Path:
    subs = [srt.Subtitle(i, timedelta(seconds=a), timedelta(seconds=b), text)
            for i, (a, b, text) in enumerate(items, 1)]
    path.write_text(srt.compose(subs), encoding="utf-8")
    return path


def beat_timed(texts: list[str], gap: float = 0.0) -> tuple[list[tuple[float, float, str]], float]:
    """Subtitles as the silent renderer writes them: one per beat, back to back. Returns them and the length."""
    items, t = [], 0.0
    for text in texts:
        d = estimated_duration(text)
        items.append((t, t + d, text))
        t += d + gap
    return items, t


def vtt_ms(stamp: str) -> int:
    h, m, s = stamp.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


def read_both(out_srt: Path, out_vtt: Path) -> list[tuple[int, int, list[str]]]:
    """Cues from the SRT (srt package) after checking that the WebVTT (webvtt-py) says exactly the same."""
    from_srt = [(round(c.start.total_seconds() * 1000), round(c.end.total_seconds() * 1000), c.content.split("\n"))
                for c in srt.parse(out_srt.read_text(encoding="utf-8"))]
    from_vtt = [(vtt_ms(c.start), vtt_ms(c.end), c.text.split("\n")) for c in webvtt.read(str(out_vtt))]
    assert from_srt == from_vtt
    return from_srt


def assert_rules(cues: list[tuple[int, int, list[str]]]) -> None:
    for start, end, lines in cues:
        assert 1 <= len(lines) <= 2, lines
        assert all(0 < len(line) <= MAX_LINE for line in lines), lines
        assert end - start >= 1000, (start, end, lines)
    for (_, end, _), (start, _, _) in zip(cues, cues[1:], strict=False):
        assert start >= end


def narrated(chapter: str) -> list[str]:
    """A chapter's beats as the scenes caption them: the words, without the bookmark tags."""
    return [" ".join(plain(text).split()) for text in load_script(chapter).values()]


def test_two_chapters_merge_with_offsets(tmp_path):
    first, len1 = beat_timed(narrated("ch05_prior"), gap=0.5)
    second, len2 = beat_timed(["A short one.", "Then a much longer sentence that will certainly need more than one "
                               "line of text and probably more than a single cue to show it all."])
    a = write_srt(tmp_path / "a.srt", first)
    b = write_srt(tmp_path / "b.srt", second)
    offset = len1 + 0.8  # e.g. a fade between chapters
    out_srt, out_vtt = tmp_path / "out" / "full.srt", tmp_path / "out" / "full.vtt"
    merge_captions([(a, 0.0), (b, offset)], out_srt, out_vtt)
    cues = read_both(out_srt, out_vtt)
    assert_rules(cues)
    total_ms = round((offset + len2) * 1000)
    assert cues[0][0] == 0 and cues[-1][1] <= total_ms
    in_second = [c for c in cues if c[0] >= round(offset * 1000)]
    assert in_second[0][0] == round(offset * 1000) and in_second[0][2] == ["A short one."]
    spoken = " ".join(t for _, _, t in first + second).split()
    assert " ".join(" ".join(lines) for _, _, lines in cues).split() == spoken
    assert sorted(p.name for p in out_srt.parent.iterdir()) == ["full.srt", "full.vtt"]  # no temporary files


def test_timing_is_proportional_to_characters(tmp_path):
    text = ("This first sentence is written to fill two full lines of captions exactly. "
            "Short end.")
    src = write_srt(tmp_path / "c.srt", [(10.0, 20.0, text)])
    merge_captions([(src, 0.0)], tmp_path / "o.srt", tmp_path / "o.vtt")
    cues = read_both(tmp_path / "o.srt", tmp_path / "o.vtt")
    assert len(cues) == 2
    chars = [len(" ".join(lines)) for _, _, lines in cues]
    assert cues[0][0] == 10_000 and cues[-1][1] == 20_000
    assert abs((cues[0][1] - cues[0][0]) - 10_000 * chars[0] / sum(chars)) <= 1


def test_overlapping_and_brief_input_is_made_readable(tmp_path):
    src = write_srt(tmp_path / "c.srt", [(0.0, 0.3, "Blink."), (0.2, 3.0, "Overlapping start."), (2.9, 4.0, "End.")])
    merge_captions([(src, 1.5)], tmp_path / "o.srt", tmp_path / "o.vtt")
    cues = read_both(tmp_path / "o.srt", tmp_path / "o.vtt")
    assert_rules(cues)
    assert cues[0][0] == 1500


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.text("abcdefghij", min_size=1, max_size=50), st.sampled_from(" ,.?")),
                         min_size=1, max_size=60), min_size=1, max_size=4),
       st.floats(0.0, 5.0))
def test_rules_hold_for_any_narration(tmp_path_factory, texts, gap):
    tmp = tmp_path_factory.mktemp("cap")
    narration = ["".join(w + p for w, p in words).strip() + "." for words in texts]
    items, length = beat_timed(narration, gap)
    src = write_srt(tmp / "c.srt", items)
    merge_captions([(src, 2.0)], tmp / "o.srt", tmp / "o.vtt")
    cues = read_both(tmp / "o.srt", tmp / "o.vtt")
    assert_rules(cues)
    assert cues[0][0] >= 2000
    joined = "".join("".join(lines) for _, _, lines in cues).replace(" ", "")
    assert joined == "".join(narration).replace(" ", "")


@pytest.mark.parametrize("pairs", [[], [("a.srt", -1.0)], [("a.srt", 5.0), ("a.srt", 2.0)], [("missing.srt", 0.0)],
                                   [("bad.srt", 0.0)]])
def test_bad_input_is_refused(tmp_path, pairs):
    write_srt(tmp_path / "a.srt", [(0.0, 2.0, "Hello there.")])
    (tmp_path / "bad.srt").write_text("1\nnot a time line\nHello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="chapter_srts"):
        merge_captions([(tmp_path / p, t) for p, t in pairs], tmp_path / "o.srt", tmp_path / "o.vtt")
    assert not (tmp_path / "o.srt").exists()


def test_voiced_chunks_are_joined_back_into_sentences(tmp_path):
    """manim-voiceover splits a beat's caption at arbitrary words, 0.1 s apart: the cues come out as if unsplit."""
    text = " ".join(plain(load_script("ch05_prior")["sigma_narrow"]).split())
    words = text.split()
    cuts = [0, 7, 19, len(words)]
    chunks = [" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]
    items, t = [], 3.0
    for chunk in chunks:
        d = len(chunk) / 15.0
        items.append((t, t + d - 0.1, chunk))
        t += d
    split = write_srt(tmp_path / "split.srt", items)
    whole = write_srt(tmp_path / "whole.srt", [(3.0, items[-1][1], text)])
    merge_captions([(split, 0.0)], tmp_path / "s.srt", tmp_path / "s.vtt")
    merge_captions([(whole, 0.0)], tmp_path / "w.srt", tmp_path / "w.vtt")
    assert read_both(tmp_path / "s.srt", tmp_path / "s.vtt") == read_both(tmp_path / "w.srt", tmp_path / "w.vtt")

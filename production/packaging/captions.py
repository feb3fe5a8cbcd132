"""Captions of the full video: the chapters' subtitles merged, offset and re-wrapped into SRT and WebVTT.

Manim writes one .srt next to each chapter's video (one subcaption per beat, or per voiced chunk:
chunks that split a sentence are joined again first). ``merge_captions`` shifts every chapter by its
start in the full video and re-cuts the text into cues that follow common subtitle rules: at most two
lines of at most 42 characters, each cue at least one second on screen, no two cues on screen at once.
Cue timing within a subtitle is proportional to its characters, as speech time roughly is.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

MAX_LINE = 42
MAX_LINES = 2
MIN_CUE_MS = 1000

JOIN_GAP_MS = 400  # manim-voiceover cuts a beat's caption mid-sentence into chunks 0.1 s apart

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ENDS_SENTENCE = re.compile(r"[.!?:;]['\")]?$")


@dataclass(frozen=True)
class Cue:
    """One caption on screen: times in whole milliseconds of the full video, up to two short lines."""

    start: int
    end: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _wrap(text: str, width: int = MAX_LINE) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)


def _balanced(text: str) -> tuple[str, ...]:
    """Two lines of similar length (easier to read than a full line over a short one)."""
    lines = _wrap(text)
    if len(lines) != 2:
        return tuple(lines)
    for width in range(math.ceil(len(text) / 2), MAX_LINE + 1):
        candidate = _wrap(text, width)
        if len(candidate) == 2:
            return tuple(candidate)
    return tuple(lines)


def chunk_text(text: str) -> list[tuple[str, ...]]:
    """Cut narration into cue texts of at most two lines, preferring to end a cue where a sentence ends."""
    groups: list[list[str]] = []
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        lines = _wrap(sentence)
        groups.extend(lines[i:i + MAX_LINES] for i in range(0, len(lines), MAX_LINES))
    merged: list[list[str]] = []
    for group in groups:
        if merged and len(merged[-1]) == 1 and len(group) == 1:
            merged[-1].append(group[0])
        else:
            merged.append(list(group))
    return [_balanced(" ".join(group)) for group in merged if group]


def split_subtitle(text: str, start: int, end: int) -> list[Cue]:
    """One source subtitle as cues whose durations are proportional to their characters."""
    chunks = chunk_text(text)
    total = sum(len(" ".join(c)) for c in chunks)
    cues, done = [], 0
    for chunk in chunks:
        begin = start + round((end - start) * done / total)
        done += len(" ".join(chunk))
        cues.append(Cue(begin, start + round((end - start) * done / total), chunk))
    return cues


def layout(cues: Sequence[Cue]) -> list[Cue]:
    """Make cues sequential: none starts before the previous one ends, each lasts at least a second.

    A cue that runs into the next one is shortened (never below a second); only when that is impossible
    does the next cue start later.
    """
    ordered = sorted(cues, key=lambda c: (c.start, c.end))
    placed: list[Cue] = []
    for i, cue in enumerate(ordered):
        start = max(cue.start, placed[-1].end if placed else 0)
        end = max(cue.end, start + MIN_CUE_MS)
        if i + 1 < len(ordered) and end > ordered[i + 1].start:
            end = max(ordered[i + 1].start, start + MIN_CUE_MS)
        placed.append(Cue(start, end, cue.lines))
    return placed


def _read_chapter(path: Path, offset: float) -> list[Cue]:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"chapter_srts: subtitle file {path} not found")
    try:
        subtitles = list(srt.parse(path.read_text(encoding="utf-8-sig")))
    except (srt.SRTParseError, ValueError) as exc:
        raise ValueError(f"chapter_srts: {path} is not a valid SRT file: {exc}") from None
    shift = round(offset * 1000)
    spans: list[list] = []  # [start, end, text]: subtitles joined where a sentence runs on
    for sub in subtitles:
        text = " ".join(sub.content.split())
        start = shift + round(sub.start.total_seconds() * 1000)
        end = shift + round(sub.end.total_seconds() * 1000)
        if not text or end <= start:
            continue
        if spans and not _ENDS_SENTENCE.search(spans[-1][2]) and 0 <= start - spans[-1][1] <= JOIN_GAP_MS:
            spans[-1][1:] = [end, f"{spans[-1][2]} {text}"]
        else:
            spans.append([start, end, text])
    return [cue for start, end, text in spans for cue in split_subtitle(text, start, end)]


def _timestamp(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def to_srt(cues: Sequence[Cue]) -> str:
    subs = [srt.Subtitle(i, timedelta(milliseconds=c.start), timedelta(milliseconds=c.end), "\n".join(c.lines))
            for i, c in enumerate(cues, start=1)]
    return srt.compose(subs)


def to_vtt(cues: Sequence[Cue]) -> str:
    def escape(line: str) -> str:
        return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    blocks = [f"{i}\n{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n" + "\n".join(map(escape, c.lines))
              for i, c in enumerate(cues, start=1)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + ("\n" if blocks else "")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path`` and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def merge_captions(chapter_srts: list[tuple[Path, float]], out_srt: Path, out_vtt: Path) -> None:
    """Merge per-chapter SRT files, each with its start (seconds) in the full video, into one SRT and one VTT."""
    if not chapter_srts:
        raise ValueError("chapter_srts must list at least one (srt path, start seconds) pair")
    previous = 0.0
    cues: list[Cue] = []
    for path, offset in chapter_srts:
        if not isinstance(offset, (int, float)) or not math.isfinite(offset) or offset < previous:
            raise ValueError(f"chapter_srts: start of {path} must be a finite number of seconds >= {previous} "
                             f"(chapters in order, from 0), got {offset!r}")
        previous = float(offset)
        cues.extend(_read_chapter(Path(path), float(offset)))
    placed = layout(cues)
    write_atomic(Path(out_srt), to_srt(placed))
    write_atomic(Path(out_vtt), to_vtt(placed))

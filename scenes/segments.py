"""A beat's narration cut into the pieces the voice synthesises one at a time: sentences, and the parts of a
sentence between manim-voiceover bookmarks (``<bookmark mark="name"/>``).

Offsets count characters of the text with the bookmarks removed, exactly as manim-voiceover's tracker counts
them, so a bookmark sits at the offset where its segment starts and its time is that segment's start in the
audio. The pauses between segments are fixed here, once, for the voice and for the silent estimate alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scenes.lexicon import spoken

#: manim-voiceover's own bookmark syntax (its tracker parses the same pattern).
BOOKMARK = re.compile(r"<bookmark\s*mark\s*=['\"](\w*)['\"]\s*/>")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')’]?\s+")

LEAD_IN = 0.05  # seconds of silence before a beat's first word
SENTENCE_PAUSE = 0.32  # between two sentences
BOOKMARK_PAUSE = 0.05  # where a bookmark splits a sentence
TAIL = 0.25  # after a beat's last word


@dataclass(frozen=True)
class Segment:
    """One piece synthesised on its own: its written words, where it starts, the silence before it."""

    text: str  # as written (captions)
    start: int  # offset in the bookmark-free text (where a bookmark before it sits)
    sentence: int  # index of the sentence it belongs to
    pause: float  # seconds of silence before it
    marks: tuple[str, ...] = ()  # bookmarks placed right before it

    @property
    def spoken(self) -> str:
        return spoken(self.text)


def plain(text: str) -> str:
    """``text`` without bookmarks (what manim-voiceover's tracker measures offsets in)."""
    return BOOKMARK.sub("", text)


def spoken_keeping_bookmarks(text: str) -> str:
    """The spoken form of ``text`` with its bookmarks left where they were (for services that time them)."""
    parts = BOOKMARK.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f'<bookmark mark="{part}"/>')
        elif part.strip():
            out.append(spoken(part))
    return " ".join(out)


def bookmarks(text: str) -> dict[str, int]:
    """Bookmark name -> its offset in the bookmark-free text; a name used twice is an error."""
    marks: dict[str, int] = {}
    removed = 0
    for match in BOOKMARK.finditer(text):
        name = match.group(1)
        if not name:
            raise ValueError(f"bookmark without a name in {text[:60]!r}...: write <bookmark mark=\"name\"/>")
        if name in marks:
            raise ValueError(f"bookmark {name!r} appears twice in {text[:60]!r}...")
        marks[name] = match.start() - removed
        removed += len(match.group(0))
    return marks


def split(text: str) -> list[Segment]:
    """Cut a beat's narration into segments: at every sentence end and at every bookmark."""
    content = plain(text)
    if not content.strip():
        raise ValueError("narration must contain words to speak, got an empty text")
    marks = bookmarks(text)
    sentence_starts = {0} | {m.end() for m in _SENTENCE_END.finditer(content)}
    bounds = sorted((sentence_starts | set(marks.values())) - {len(content)}) + [len(content)]
    segments: list[Segment] = []
    pending: list[str] = []
    for begin, end in zip(bounds, bounds[1:], strict=False):
        pending += [name for name, at in marks.items() if at == begin]
        piece = content[begin:end].strip()
        if not piece:
            continue
        lead = len(content[begin:end]) - len(content[begin:end].lstrip())
        opens = not segments or begin + lead in sentence_starts
        sentence = (segments[-1].sentence + 1 if segments else 0) if opens else segments[-1].sentence
        pause = LEAD_IN if not segments else (SENTENCE_PAUSE if opens else BOOKMARK_PAUSE)
        start = min([begin, *(marks[name] for name in pending)])
        segments.append(Segment(piece, start, sentence, pause, tuple(pending)))
        pending = []
    return segments


def sentences(segments: list[Segment]) -> list[str]:
    """The written sentences, each rebuilt from its segments (captions show one cue per sentence)."""
    out: dict[int, list[str]] = {}
    for seg in segments:
        out.setdefault(seg.sentence, []).append(seg.text)
    return [" ".join(parts) for _, parts in sorted(out.items())]


@dataclass(frozen=True)
class Timed:
    """A segment placed in a beat's audio: when its speech starts and ends, in seconds from the beat's start."""

    segment: Segment
    start: float
    end: float


def place(segments: list[Segment], speech: list[float]) -> tuple[list[Timed], float]:
    """Lay segments end to end, each after its pause: (their times, the beat's length including the tail)."""
    if len(segments) != len(speech):
        raise ValueError(f"speech must give one duration per segment ({len(segments)}), got {len(speech)}")
    timed, clock = [], 0.0
    for seg, seconds in zip(segments, speech, strict=True):
        clock += seg.pause
        timed.append(Timed(seg, clock, clock + seconds))
        clock += seconds
    return timed, clock + TAIL


def sentence_spans(timed: list[Timed]) -> list[tuple[str, float, float]]:
    """(written sentence, start, end) for each sentence: one caption cue each, timed by its own speech."""
    spans: list[tuple[str, float, float]] = []
    for item in timed:
        if spans and item.segment.sentence == len(spans) - 1:
            text, start, _ = spans[-1]
            spans[-1] = (f"{text} {item.segment.text}", start, item.end)
        else:
            spans.append((item.segment.text, item.start, item.end))
    return spans


def bookmark_times(text: str, timed: list[Timed]) -> dict[str, float]:
    """Bookmark -> seconds from the beat's start: the start of the segment it opens (the speech's end for a
    bookmark after the last word)."""
    starts = {item.segment.start: item.start for item in timed}
    return {name: starts.get(offset, timed[-1].end) for name, offset in bookmarks(text).items()}

"""YouTube chapter lines ("0:00 Title") from the real chapter durations, checked against YouTube's rules.

YouTube shows chapters only when the first timestamp is 0:00, there are at least three of them, and each
lasts at least ten seconds. Timestamps are whole seconds rounded down, so a click never skips the start
of a chapter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MIN_CHAPTERS = 3
MIN_SECONDS = 10


def timestamp(seconds: float, long_form: bool = False) -> str:
    """``M:SS`` (or ``H:MM:SS`` when the video reaches an hour) for a start time in seconds."""
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    s = math.floor(seconds + 1e-6)
    if long_form:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def chapter_lines(chapters: Sequence[tuple[str, float]]) -> list[str]:
    """Lines for (title, duration in seconds) pairs in play order; ValueError when YouTube would reject them."""
    if len(chapters) < MIN_CHAPTERS:
        raise ValueError(f"YouTube needs at least {MIN_CHAPTERS} chapters, got {len(chapters)}")
    total = sum(d for _, d in chapters)
    long_form = total >= 3600
    lines, start = [], 0.0
    for i, (title, duration) in enumerate(chapters):
        title = " ".join(title.split())
        if not title:
            raise ValueError(f"chapter {i + 1} has an empty title")
        if duration <= 0:
            raise ValueError(f"chapter {i + 1} ({title}) duration must be > 0 s, got {duration}")
        begin = math.floor(start + 1e-6)
        end = math.floor(start + duration + 1e-6) if i < len(chapters) - 1 else start + duration
        if end - begin < MIN_SECONDS:
            raise ValueError(f"chapter {i + 1} ({title}) lasts {end - begin:.1f} s on YouTube's clock; "
                             f"each chapter must last at least {MIN_SECONDS} s")
        lines.append(f"{timestamp(start, long_form)} {title}")
        start += duration
    return lines


def parse_lines(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(start second, title) from chapter lines: the reader's side, used to check what was written."""
    parsed = []
    for line in lines:
        stamp, _, title = line.partition(" ")
        parts = [int(p) for p in stamp.split(":")]
        seconds = 0
        for p in parts:
            seconds = seconds * 60 + p
        parsed.append((seconds, title))
    return parsed

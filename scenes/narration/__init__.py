"""Narration scripts, one Markdown file per chapter: ``## beat_key`` headings, then the spoken text."""

from __future__ import annotations

import re
from pathlib import Path

from scenes.segments import Timed, bookmarks, place, plain, split

HERE = Path(__file__).parent
_HEADING = re.compile(r"^##\s+([a-z0-9_]+)\s*$")


def script_path(chapter: str, directory: Path | None = None) -> Path:
    return (directory or HERE) / f"{chapter}.md"


def load_script(chapter: str, directory: Path | None = None) -> dict[str, str]:
    """Beat key -> narration text, in file order. Lines starting with '>' are author notes, not spoken."""
    path = script_path(chapter, directory)
    if not path.is_file():
        raise ValueError(f"narration script for chapter {chapter!r} not found at {path}")
    beats: dict[str, list[str]] = {}
    current: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        match = _HEADING.match(line)
        if match:
            current = match.group(1)
            if current in beats:
                raise ValueError(f"{path.name} line {number}: beat {current!r} appears twice")
            beats[current] = []
        elif line.startswith("#") or line.startswith(">") or not line:
            continue
        elif current is None:
            raise ValueError(f"{path.name} line {number}: text before the first '## beat' heading")
        else:
            beats[current].append(line)
    texts = {key: " ".join(lines) for key, lines in beats.items()}
    empty = [k for k, t in texts.items() if not plain(t).strip()]
    if empty:
        raise ValueError(f"{path.name}: beats without narration text: {', '.join(empty)}")
    for key, text in texts.items():
        if "<" in plain(text):
            raise ValueError(f"{path.name}: beat {key!r} has a malformed tag; write bookmarks as "
                             '<bookmark mark="name"/> (letters, digits, _)')
        try:
            bookmarks(text)
        except ValueError as exc:
            raise ValueError(f"{path.name}: beat {key!r}: {exc}") from None
    return texts


# Calibrated on the Piper en_US joe voice over the 106 segments of the scripts (scenes/segments.py cuts them):
# it speaks 17.25 characters of the spoken form (scenes/lexicon.py) a second; a fitted per-segment offset came
# out at -0.06 s, so there is none. The pauses between segments are the voice's own fixed ones.
SPOKEN_CHARS_PER_SECOND = 17.25


def estimated_timeline(text: str) -> tuple[list[Timed], float]:
    """Where each segment of ``text`` would start and end when spoken, and the beat's length (silent renders)."""
    pieces = split(text)
    return place(pieces, [len(p.spoken) / SPOKEN_CHARS_PER_SECOND for p in pieces])


def estimated_duration(text: str) -> float:
    """Speaking time of ``text`` by the default voice, pauses included (used for --no-voice and previews)."""
    return estimated_timeline(text)[1]

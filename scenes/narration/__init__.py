"""Narration scripts, one Markdown file per chapter: ``## beat_key`` headings, then the spoken text.

Every number and domain word the narration speaks is a template, ``{name}``, filled from the registry of
narrated values (mathcore/narrated.py) computed on the active story, so captions, voice, slide notes and the
handout all get the story's numbers as the screen shows them. A name takes an index (``{degrees[1]}``) and a
format: none (the number's digits, as the captions show them), ``r1``/``r2`` (rounded to that many decimals, as
the readouts round), ``words`` (spelled: "five", "two and three"), ``Words`` (spelled, capitalised).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path

from mathcore.narrated import Value, narrated_values
from mathcore.story import Story, load_story
from scenes.lexicon import number_words
from scenes.segments import Timed, bookmarks, place, plain, split

HERE = Path(__file__).parent
_HEADING = re.compile(r"^##\s+([a-z0-9_]+)\s*$")
_ROUNDED = re.compile(r"r([0-9])")


def plain_number(value: float) -> str:
    """A number as the captions write it: no exponent, no trailing zeros ("2.25", "50", "0.05")."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.10f}".rstrip("0")


def _spelled(value: object) -> str:
    if isinstance(value, tuple):
        said = [_spelled(v) for v in value]
        return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return number_words(plain_number(value))  # type: ignore[arg-type]


class _Filler(string.Formatter):
    """str.format with the narration's formats; an unknown name raises KeyError carrying it."""

    def get_value(self, key: int | str, args: object, kwargs: Mapping[str, object]) -> object:
        if isinstance(key, int) or key not in kwargs:
            raise KeyError(str(key))
        return kwargs[key]

    def format_field(self, value: object, spec: str) -> str:
        rounded = _ROUNDED.fullmatch(spec)
        if isinstance(value, str):
            if spec:
                raise ValueError(f"format {spec!r} is for numbers; a word takes none")
            return value
        if isinstance(value, tuple) and spec not in ("words", "Words"):
            raise ValueError("a list is spoken with :words or :Words, or one entry of it with [index]")
        if spec == "":
            return plain_number(value)  # type: ignore[arg-type]
        if rounded:
            return plain_number(round(float(value), int(rounded.group(1))))  # type: ignore[arg-type]
        if spec in ("words", "Words"):
            said = _spelled(value)
            return said[:1].upper() + said[1:] if spec == "Words" else said
        raise ValueError(f"unknown format {spec!r}; use none, r1, r2 (rounded), words or Words (spelled)")


def fill(text: str, values: Mapping[str, Value], where: str) -> str:
    """``text`` with every ``{name}`` replaced from ``values``; a ValueError naming ``where`` and the name if not."""
    try:
        return _Filler().vformat(text, (), values)
    except KeyError as exc:
        name = exc.args[0]
        raise ValueError(f"{where}: unknown template {{{name}}}; the names are the keys of "
                         "mathcore/narrated.py narrated_values") from None
    except IndexError:
        raise ValueError(f"{where}: a template's [index] is past the end of the story's list") from None
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: bad template ({exc}); write {{name}}, {{name:words}} or {{name:r2}}") from None


def script_path(chapter: str, directory: Path | None = None) -> Path:
    return (directory or HERE) / f"{chapter}.md"


def load_script(chapter: str, directory: Path | None = None, story: Story | None = None) -> dict[str, str]:
    """Beat key -> narration text with its templates filled from ``story`` (None: the active story), in file
    order. Lines starting with '>' are author notes, not spoken."""
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
    values = narrated_values(load_story() if story is None else story)
    texts = {key: fill(" ".join(lines), values, f"{path.name}: beat {key!r}") for key, lines in beats.items()}
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

"""``mle2map check``: every check a render would make, in seconds, without rendering anything.

The same checks run before every command (production/cli.py), all of them, so a run that cannot work stops at
once with every problem listed, one line each (each claim of the narration the story's numbers break on a line of
its own), instead of at the first one or in the middle of a render. A check whose input is broken by an earlier
one (the voice needs a valid video.toml) is reported as not checked.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from production.commands.selection import settings_from
from production.config import VideoConfig, check_media, load_config, os_error_message
from production.probe import require_tools
from production.rendering.renderer import RenderSettings

if TYPE_CHECKING:
    from mathcore.story import Story


@dataclass(frozen=True)
class Outcome:
    """One check: what was checked, and the problem found (None when it passed)."""

    name: str
    problem: str | None = None
    detail: str = ""
    #: Not run because an earlier check's input is broken (``detail`` says which).
    skipped: bool = False


class _Skip(Exception):
    """A check cannot run: an earlier one failed."""


@dataclass
class Preflight:
    """The checks' outcomes, and the configuration and settings they produced (None when broken)."""

    outcomes: list[Outcome]
    cfg: VideoConfig | None = None
    settings: RenderSettings | None = None

    @property
    def problems(self) -> list[str]:
        return [o.problem for o in self.outcomes if o.problem is not None]


def _attempt(name: str, check: Callable[[], str | None]) -> Outcome:
    try:
        detail = check()
    except _Skip as exc:
        return Outcome(name, None, str(exc), skipped=True)
    except OSError as exc:
        return Outcome(name, os_error_message(exc))
    except KeyError as exc:
        return Outcome(name, str(exc.args[0]) if exc.args else repr(exc))
    except (ValueError, RuntimeError) as exc:
        return Outcome(name, str(exc))
    return Outcome(name, None, detail or "")


def _font() -> str:
    from scenes.style import FONT, require_font

    require_font()
    return FONT


def _narration(story_loads: bool = True) -> str:
    if not story_loads:
        raise _Skip("needs a story that loads (its words fill the narration)")
    from scenes.chapters import CHAPTERS
    from scenes.narration import load_script

    beats = 0
    for chapter in CHAPTERS:
        if chapter.path.is_file():
            beats += len(load_script(chapter.slug))
    return f"{beats} beats"


def story_problems(path: str | os.PathLike[str] | None = None) -> tuple[Story | None, list[str]]:
    """The story file ``path`` (None: the active one) and what is wrong with it, one line each starting
    "story <file>: ": it does not load (the story is then None), or the narration's claims break on its numbers."""
    from mathcore.story import claims_problems, load_story

    try:
        story = load_story(path)
    except ValueError as exc:
        return None, [str(exc)]
    return story, claims_problems(story)


def _story() -> tuple[list[Outcome], bool]:
    """The active story file (mathcore/story.py) loads, and the narration's claims hold on its numbers: one outcome
    per problem found, and whether the story loaded."""
    story, problems = story_problems()
    # Each problem names the story file after "story ": the outcome is named story already.
    outcomes = [Outcome("story", problem.removeprefix("story ")) for problem in problems]
    if story is None:
        return outcomes, False
    return outcomes or [Outcome("story", None, f"{story.source}, the narration's claims hold")], True


def preflight(args: argparse.Namespace, media: Path, *, media_needed: bool = True) -> Preflight:
    """Run every check; ``media_needed`` False skips the media folder's (``status`` only reads it)."""
    result = Preflight([])

    def config() -> str:
        result.cfg = load_config()
        return "video.toml"

    def settings() -> str:
        if result.cfg is None:
            raise _Skip("needs a valid video.toml")
        result.settings = settings_from(args, result.cfg)
        s = result.settings
        return f"voice {s.voice}, theme {s.theme}, {s.quality.name}"

    checks: list[tuple[str, Callable[[], str | None]]] = [("configuration", config), ("voice and theme", settings)]
    if media_needed:
        checks.append(("media folder", lambda: str(check_media(media))))
    story, loads = _story()
    checks += [("tools", require_tools), ("font", _font), ("narration", lambda: _narration(loads))]
    result.outcomes = [*(_attempt(name, check) for name, check in checks), *story]
    return result


def report(found: Preflight) -> str:
    """One line per check: ``ok`` and what was checked, or the problem."""
    lines = []
    for outcome in found.outcomes:
        if outcome.skipped:
            lines.append(f"  skipped  {outcome.name}: {outcome.detail}")
        elif outcome.problem is None:
            lines.append(f"  ok       {outcome.name}: {outcome.detail}")
        else:
            lines.append(f"  problem  {outcome.name}: {outcome.problem}")
    return "\n".join(lines)

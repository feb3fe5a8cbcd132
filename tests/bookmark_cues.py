"""Record, during a silent scene run, when each narration bookmark is waited for and what each play animates,
so a test can check that the visual a bookmark names starts at that bookmark."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from manim import Mobject
from manim.animation.animation import prepare_animation

from scenes.base import ChapterScene
from scenes.narration import load_script
from scenes.segments import bookmarks


@dataclass
class CueLog:
    """``marks``: (beat, mark, bookmark time) per wait; ``plays``: (start time, animated mobjects' families)."""

    marks: list[tuple[str, str, float]] = field(default_factory=list)
    plays: list[tuple[float, list[Mobject]]] = field(default_factory=list)

    def first_play_from(self, time: float, frame: float) -> tuple[float, list[Mobject]]:
        """The first play that starts at ``time`` or later (a frame early counts: plays end on frames)."""
        return next(p for p in self.plays if p[0] >= time - frame - 1e-9)


@contextmanager
def recording(cls: type[ChapterScene]) -> Iterator[CueLog]:
    """Patch ``cls`` so its bookmark waits and plays are logged while the block runs."""
    log = CueLog()
    wait, play = cls.wait_until_bookmark, cls.play

    def logged_wait(self: ChapterScene, mark: str) -> None:
        log.marks.append((self.beats_done[-1], mark, float(self.current_tracker.bookmark_times[mark])))
        wait(self, mark)

    def logged_play(self: ChapterScene, *animations, **kwargs) -> None:
        built = [prepare_animation(a) for a in animations]
        family = [m for a in built if a.mobject is not None for m in a.mobject.get_family()]
        log.plays.append((float(self.renderer.time), family))
        play(self, *built, **kwargs)

    cls.wait_until_bookmark, cls.play = logged_wait, logged_play
    try:
        yield log
    finally:
        cls.wait_until_bookmark, cls.play = wait, play


def narration_marks(chapter: str) -> set[tuple[str, str]]:
    """Every (beat, mark) written in the chapter's narration."""
    return {(beat, mark) for beat, text in load_script(chapter).items() for mark in bookmarks(text)}


def has_key(key: str) -> Callable[[ChapterScene, list[Mobject]], bool]:
    """A cue check: some animated part is the TeX part keyed (or written) ``key``."""
    return lambda scene, family: any(getattr(m, "tex_string", None) == key for m in family)


def has(get: Callable[[ChapterScene], Mobject]) -> Callable[[ChapterScene, list[Mobject]], bool]:
    """A cue check: the mobject ``get(scene)`` is among the animated ones."""
    return lambda scene, family: any(m is get(scene) for m in family)


def cue_problems(scene: ChapterScene, log: CueLog, cues: dict[str, Callable], frame: float) -> list[str]:
    """What breaks the rule: each bookmark's play starts within one frame of it and animates what it names."""
    problems = []
    for beat, mark, at in log.marks:
        start, family = log.first_play_from(at, frame)
        if abs(start - at) > frame + 1e-6:
            problems.append(f"{beat}/{mark}: the first play after the bookmark at {at:.2f} s starts at {start:.2f} s")
        check = cues.get(mark)
        if check is None:
            problems.append(f"{beat}/{mark}: no cue check for this bookmark")
        elif not check(scene, family):
            problems.append(f"{beat}/{mark}: the play at {start:.2f} s does not animate what the words name")
    return problems

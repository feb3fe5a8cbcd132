"""ChapterScene: a scene made of beats, each one section with its narration and timing.

``with self.beat("key") as t:`` starts a section named after the beat, speaks the beat's text from the
chapter's narration script (or, silent, waits for the time the text would take), and exposes
``t.duration`` so animations take their timing from the words. On leaving the block the scene waits
for whatever narration remains. ``fade_all()`` clears the screen at a chapter's end.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from manim import Animation, FadeOut, ValueTracker, config, linear
from manim.constants import RendererType
from manim_voiceover import VoiceoverScene

from scenes import fast_copy, fast_family
from scenes import style as S
from scenes.fast_render import FastCamera, FastPartialWriter, FastRenderer
from scenes.narration import estimated_timeline, load_script
from scenes.segments import bookmark_times, plain, sentence_spans
from scenes.voice import make_service, prepare_voice


class _ManimMuxOptionsFilter(logging.Filter):
    """Drop PyAV's note that Manim 0.21's sound-muxing options (shortest, metadata) went unused; harmless."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Some options were not used: {'shortest'")


logging.getLogger("av.container.output").addFilter(_ManimMuxOptionsFilter())
fast_family.install()
fast_copy.install()

@dataclass
class SilentTracker:
    """Stands in for manim-voiceover's tracker when rendering without a voice: the same segments, bookmarks
    and sentence times, estimated from the text (scenes/narration: estimated_timeline)."""

    scene: VoiceoverScene
    duration: float
    start: float
    bookmark_times: dict[str, float] = field(default_factory=dict)  # absolute scene times, like the tracker's

    @property
    def start_t(self) -> float:
        """The beat's start in scene time (the name manim-voiceover's tracker uses)."""
        return self.start

    def get_remaining_duration(self, buff: float = 0.0) -> float:
        return max(0.0, self.start + self.duration - self.scene.renderer.time + buff)

    def time_until_bookmark(self, mark: str, buff: float = 0.0, limit: float | None = None) -> float:
        if mark not in self.bookmark_times:
            raise KeyError(f"there is no <bookmark mark='{mark}'/> in this beat's narration")
        result = max(self.bookmark_times[mark] - float(self.scene.renderer.time) + buff, 0.0)
        return result if limit is None else min(limit, result)


def _sentence_spans(tracker: object, text: str) -> list[tuple[str, float, float]]:
    """(sentence, start, end) in seconds from the beat's start: as the segmented voices timed them, else one
    span over the whole beat (cloud voices)."""
    spans = getattr(tracker, "data", {}).get("sentences")
    return spans if spans is not None else [(" ".join(plain(text).split()), 0.0, float(tracker.duration))]


#: The shortest step of a glide (s), however close its next bookmark is.
MIN_CUE = 0.25
#: A glide of a value ends this long before the beat's words do (s).
GLIDE_TAIL = 0.3
#: How long a chapter's closing fade to the background takes (s).
FADE_ALL_TIME = 0.8


class ChapterScene(VoiceoverScene):
    """Base class of every chapter: set ``chapter`` to the module's slug (the narration file's stem)."""

    chapter: str = ""
    #: Folder of the narration script; None means scenes/narration (tests point it at fixtures).
    narration_dir: Path | None = None
    #: Called as hook(scene, beat_key) when each beat ends; tests use it to inspect on-screen state.
    beat_end_hooks: list[Callable[[ChapterScene, str], None]] = []

    def __init__(self, *args, renderer: object = None, **kwargs) -> None:
        # Cairo renders use the faster renderer, camera and partial-movie writer (scenes/fast_render.py), except for
        # manim-slides, whose slides are the partial movies themselves.
        if renderer is None and config.renderer == RendererType.CAIRO and not os.environ.get("MLE2MAP_SLIDES"):
            renderer = FastRenderer(file_writer_class=FastPartialWriter,
                                    camera_class=kwargs.get("camera_class", FastCamera),
                                    skip_animations=kwargs.get("skip_animations", False))
        super().__init__(*args, renderer=renderer, **kwargs)

    def setup(self) -> None:
        super().setup()
        S.require_font()
        self.camera.background_color = S.BACKGROUND
        self.script = load_script(self.chapter, self.narration_dir)
        self.beats_done: list[str] = []
        service = make_service()
        self.voiced = service is not None
        self.current_tracker = None
        if service is not None:
            self.set_speech_service(service, create_subcaption=False)
            prepare_voice(service, self.script.values())

    def _caption(self, spans: list[tuple[str, float, float]]) -> None:
        """One subcaption per sentence, at its own time within the beat (production/packaging/captions.py re-cuts
        long ones into two-line cues)."""
        if config.dry_run or config.save_last_frame:
            return
        for sentence, start, end in spans:
            self.add_subcaption(sentence, duration=max(end - start, 0.1), offset=start)

    def beat_text(self, key: str) -> str:
        if key not in self.script:
            raise KeyError(f"beat {key!r} has no narration in scenes/narration/{self.chapter}.md")
        return self.script[key]

    @contextmanager
    def beat(self, key: str, loop: bool = False) -> Iterator[object]:
        """One storyboard beat: a section (and a slide when presenting) timed by its narration."""
        text = self.beat_text(key)
        self.beats_done.append(key)
        next_slide = getattr(self, "next_slide", None)
        if next_slide is not None and os.environ.get("MLE2MAP_SLIDES"):
            # manim-slides' next_slide also opens the section; a separate next_section would leave it empty.
            next_slide(key, notes=" ".join(plain(text).split()), loop=loop)
        else:
            self.next_section(key)
        if self.voiced:
            with self.voiceover(text=text) as tracker:
                self._caption(_sentence_spans(tracker, text))
                yield tracker
        else:
            timed, length = estimated_timeline(text)
            start = self.renderer.time
            tracker = SilentTracker(self, length, start,
                                    {k: start + v for k, v in bookmark_times(text, timed).items()})
            self.current_tracker = tracker
            self._caption(sentence_spans(timed))
            yield tracker
            remaining = tracker.get_remaining_duration()
            if remaining > 1.0 / config.frame_rate:
                self.wait(remaining)
        for hook in type(self).beat_end_hooks:
            hook(self, key)

    # -- timing by the words ---------------------------------------------------------------------
    def until(self, mark: str, most: float) -> float:
        """A run time that ends by bookmark ``mark`` of the current beat (at most ``most`` s, at least one frame)."""
        return max(min(self.current_tracker.time_until_bookmark(mark), most), 1.0 / config.frame_rate)

    def at(self, mark: str, *animations: Animation, until: str | None = None, most: float = 1.2) -> None:
        """Wait for bookmark ``mark``, then play what the words there name: until bookmark ``until`` (at most
        ``most`` seconds), or for ``most`` seconds."""
        self.wait_until_bookmark(mark)
        self.play(*animations, run_time=self.until(until, most) if until else most)

    def glide(self, t, tracker: ValueTracker, stop: float, cues: dict[str, list[Animation]],
              until: str | None = None, log: bool = False) -> None:
        """Move ``tracker`` evenly (in log space with ``log``) to ``stop`` from the first bookmark of ``cues`` to
        bookmark ``until`` (else to the end of the beat's words); each bookmark's animations play from that
        bookmark while the value keeps moving."""
        marks = list(cues)
        self.wait_until_bookmark(marks[0])
        begin, start = float(self.renderer.time), tracker.get_value()
        left = t.time_until_bookmark(until) if until else t.get_remaining_duration() - GLIDE_TAIL
        end = begin + max(len(marks) * MIN_CUE, left)
        bounds = [begin + t.time_until_bookmark(m) for m in marks[1:]] + [end]
        for i, (mark, upto) in enumerate(zip(marks, bounds, strict=True)):
            if i:
                self.wait_until_bookmark(mark)
            now, share = float(self.renderer.time), (upto - begin) / (end - begin)
            if i == len(marks) - 1:
                value = stop
            elif log:
                value = float(np.exp(np.log(start) + share * np.log(stop / start)))
            else:
                value = start + share * (stop - start)
            self.play(tracker.animate(rate_func=linear).set_value(value), *cues[mark],
                      run_time=max(MIN_CUE, upto - now))

    def fade_all(self, run_time: float = FADE_ALL_TIME) -> None:
        """Fade out everything on screen (foreground mobjects too) in one play, leaving the scene empty."""
        everything = list(dict.fromkeys([*self.mobjects, *self.foreground_mobjects]))
        if everything:
            self.play(FadeOut(*everything), run_time=run_time)
        self.clear()

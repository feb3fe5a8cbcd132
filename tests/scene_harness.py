"""Build a chapter scene quickly (tiny frame, no video written) and capture its state at each beat end; the helpers
the scene tests share, each written once: layout checks (layout_problems, inside_frame), curve vertices, frames
(frame_at_beat, snapshot) and their pixels (to_pixels, near_colour, colour_counts, colour_hits, nearest_palette_hits),
bookmark cues."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from manim import (
    Camera,
    DecimalNumber,
    ManimColor,
    MarkupText,
    SingleStringMathTex,
    Text,
    TexTemplate,
    VMobject,
    config,
    tempconfig,
)

from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, to_scene


def layout_problems(scene: ChapterScene, margin: float = S.MARGIN, tol: float = 0.02) -> list[str]:
    """What breaks the layout rules on screen now: a visible shape entering the edge margin, text whose em is
    under style.MIN_TEXT_PX at 1080p, text in another face than the project's one family."""
    fw, fh = config.frame_width, config.frame_height
    x_lim, y_lim = fw / 2 - margin + tol, fh / 2 - margin + tol
    problems = []
    for top in scene.mobjects:
        for mob in top.get_family():
            problems.extend(type_problems(mob))
        shown = [m for m in top.family_members_with_points() if isinstance(m, VMobject)
                 and (np.max(m.get_stroke_opacities()) > 0.01 or np.max(m.get_fill_opacities()) > 0.01)]
        if shown:
            points = np.concatenate([m.points for m in shown])
            lo, hi = points.min(axis=0), points.max(axis=0)
            if lo[0] < -x_lim or hi[0] > x_lim or lo[1] < -y_lim or hi[1] > y_lim:
                problems.append(f"{type(top).__name__} {_name(top)!r} spans x {lo[0]:.2f}..{hi[0]:.2f}, "
                                f"y {lo[1]:.2f}..{hi[1]:.2f}: inside the edge margin")
    return problems


_DEFAULT_PREAMBLE = TexTemplate().preamble


def text_em_pixels(mob) -> float | None:
    """The em of a text mobject in pixels at 1080p (after any scaling), None for a mobject that is not text."""
    if isinstance(mob, (Text, MarkupText)):
        return S.em_pixels(mob.font_size / S.TEXT_SCALE)
    if isinstance(mob, (SingleStringMathTex, DecimalNumber)):
        return S.em_pixels(mob.font_size)
    return None


def type_problems(mob) -> list[str]:
    """A text mobject set in another face than CMU Serif / TeX's Computer Modern, or smaller than the minimum."""
    problems = []
    em = text_em_pixels(mob)
    if em is not None and em < S.MIN_TEXT_PX * 0.99:
        problems.append(f"{type(mob).__name__} {_name(mob)!r} has an em of {em:.1f} px at 1080p "
                        f"(minimum {S.MIN_TEXT_PX:g})")
    if isinstance(mob, (Text, MarkupText)) and mob.font != S.FONT:
        problems.append(f"{type(mob).__name__} {_name(mob)!r} is set in {mob.font!r}, not {S.FONT!r}")
    if isinstance(mob, SingleStringMathTex) and mob.tex_template.preamble != _DEFAULT_PREAMBLE:
        problems.append(f"{type(mob).__name__} {_name(mob)!r} uses its own TeX preamble (another face?)")
    return problems


def _name(mob) -> str:
    text = getattr(mob, "text", None) or getattr(mob, "tex_string", None)
    return str(text)[:40] if text else ""


def run_scene(cls: type[ChapterScene], probe: Callable[[ChapterScene, str], Any], tmp: Path,
              dry_run: bool = True, check_layout: bool = True) -> tuple[ChapterScene, dict[str, Any]]:
    """Render ``cls`` silently; ``probe(scene, beat)`` runs at every beat end and its results are returned.

    With ``check_layout`` every beat end is also checked against the layout rules (``layout_problems``).
    """
    os.environ["MLE2MAP_VOICE"] = "none"
    states: dict[str, Any] = {}
    problems: list[str] = []

    def hook(scene: ChapterScene, key: str) -> None:
        if isinstance(scene, cls):
            states[key] = probe(scene, key)
            if check_layout:
                problems.extend(f"{key}: {p}" for p in layout_problems(scene))

    ChapterScene.beat_end_hooks.append(hook)
    try:
        with tempconfig({"dry_run": dry_run, "pixel_width": 192, "pixel_height": 108, "frame_rate": 6,
                         "media_dir": str(tmp), "disable_caching": True, "write_to_movie": not dry_run,
                         "verbosity": "ERROR", "progress_bar": "none"}):
            scene = cls()
            scene.render()
    finally:
        ChapterScene.beat_end_hooks.remove(hook)
    assert not problems, f"{cls.__name__} breaks the layout rules:\n" + "\n".join(problems)
    return scene, states


def inside_frame(scene) -> bool:
    """Every visible mobject lies inside the frame minus the margin."""
    half_w, half_h = config.frame_width / 2 - S.MARGIN + 1e-3, config.frame_height / 2 - S.MARGIN + 1e-3
    for mob in scene.mobjects:
        for part in mob.family_members_with_points():
            if not isinstance(part, VMobject):
                continue
            opacity = max(np.max(part.get_stroke_opacities(), initial=0), np.max(part.get_fill_opacities(), initial=0))
            if opacity == 0:
                continue
            pts = part.points
            if np.any(np.abs(pts[:, 0]) > half_w) or np.any(np.abs(pts[:, 1]) > half_h):
                return False
    return True


def coords(axes, mobject_point: np.ndarray) -> np.ndarray:
    """Scene point back to axis coordinates."""
    return np.asarray(axes.p2c(mobject_point))


# --- Curves: what an ArrayCurve drew. ---
#: A vertex this close to the edge of the y range was cut there by the clipping (interpolated, not a sample).
CLIP_TOL = 1e-7


def vertices(curve: ArrayCurve, inside_only: bool = False) -> np.ndarray:
    """(n, 2) axis coordinates of an ArrayCurve's drawn vertices (``ArrayCurve.data``); with ``inside_only``,
    without the points on the edge of the y range, where the clipping cut the curve."""
    xy = np.column_stack(curve.data())
    if inside_only:
        lo, hi = curve.axes.y_range[:2]
        xy = xy[(xy[:, 1] > lo + CLIP_TOL) & (xy[:, 1] < hi - CLIP_TOL)]
    return xy


def scene_vertices(curve: ArrayCurve) -> np.ndarray:
    """(n, 3) scene points of an ArrayCurve's drawn vertices, where a frame shows its colour."""
    return to_scene(curve.axes, *curve.data())


# --- Frames: grab one rendered frame at a beat end and inspect its pixels. ---
class _Stop(Exception):
    """Raised by the hook once the wanted frame is captured, to skip the rest of the scene."""


def frame_at_beat(cls: type[ChapterScene], beat: str, tmp: Path, width: int = 480, height: int = 270,
                  fps: int = 2) -> tuple[ChapterScene, np.ndarray]:
    """Render ``cls`` silently at a low frame rate until ``beat`` ends; return the scene and that RGB frame."""
    os.environ["MLE2MAP_VOICE"] = "none"
    captured: dict[str, object] = {}

    def hook(scene: ChapterScene, key: str) -> None:
        if isinstance(scene, cls) and key == beat:
            scene.renderer.update_frame(scene)
            captured["scene"], captured["frame"] = scene, np.array(scene.renderer.get_frame())[:, :, :3]
            raise _Stop

    ChapterScene.beat_end_hooks.append(hook)
    try:
        with tempconfig({"pixel_width": width, "pixel_height": height, "frame_rate": fps, "media_dir": str(tmp),
                         "write_to_movie": False, "disable_caching": True, "verbosity": "ERROR",
                         "progress_bar": "none"}):
            try:
                cls().render()
            except _Stop:
                pass
    finally:
        ChapterScene.beat_end_hooks.remove(hook)
    if "frame" not in captured:
        raise AssertionError(f"beat {beat!r} never ended in {cls.__name__}")
    return captured["scene"], captured["frame"]  # type: ignore[return-value]


def snapshot(scene, width: int = 640, height: int = 360) -> np.ndarray:
    """The scene's current frame rendered by a fresh Cairo camera, as an RGB array."""
    camera = Camera(pixel_width=width, pixel_height=height, background_color=S.BACKGROUND)
    camera.capture_mobjects(scene.mobjects)
    return np.asarray(camera.get_image().convert("RGB"))


def to_pixels(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scene points (n, 3) to integer (row, column) pixel indices for a frame of the current config size."""
    fw, fh = config.frame_width, config.frame_height
    cols = (points[:, 0] + fw / 2) / fw * width
    rows = (fh / 2 - points[:, 1]) / fh * height
    return np.stack([np.clip(rows, 0, height - 1), np.clip(cols, 0, width - 1)], axis=1).astype(int)


def png_round_trip(frame: np.ndarray, path: Path) -> np.ndarray:
    """Write a rendered frame as the PNG key frame at ``path`` and read it back as RGB, as a viewer would."""
    from PIL import Image

    Image.fromarray(frame).save(path)
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def near_colour(frame: np.ndarray, color: ManimColor, tol: float = 60.0) -> np.ndarray:
    """Boolean mask of pixels within ``tol`` (RGB distance, 0-255 scale) of ``color``."""
    target = np.array(color.to_int_rgb(), dtype=float)
    return np.linalg.norm(frame.astype(float) - target, axis=2) < tol


def colour_counts(frame: np.ndarray, points: np.ndarray, color: ManimColor, radius: int = 2,
                  tol: float = 60.0) -> np.ndarray:
    """For each scene point, how many pixels within ``radius`` pixels of it are near ``color`` (``near_colour``)."""
    height, width = frame.shape[:2]
    mask = near_colour(frame, color, tol)
    return np.array([int(mask[max(0, r - radius):r + radius + 1, max(0, c - radius):c + radius + 1].sum())
                     for r, c in to_pixels(np.asarray(points, dtype=float).reshape(-1, 3), width, height)])


def colour_hits(frame: np.ndarray, points: np.ndarray, color: ManimColor, radius: int = 2) -> float:
    """Share of the given scene points with a pixel of ``color`` within ``radius`` pixels."""
    return float(np.count_nonzero(colour_counts(frame, points, color, radius))) / max(1, len(points))


def nearest_palette_hits(frame: np.ndarray, points: np.ndarray, color: ManimColor) -> float:
    """Share of curve points with a pixel nearby that is best explained as ``color`` blended over the
    background (anti-aliasing), among all palette colours."""
    palette = [S.DATA, S.WEIGHT, S.NOISE, S.LIKELIHOOD, S.PRIOR, S.POSTERIOR, S.LAMBDA, S.MUTED]
    bg = np.array(S.BACKGROUND.to_int_rgb(), dtype=float)
    vs = np.array([c.to_int_rgb() for c in palette], dtype=float) - bg
    target = [c.to_hex() for c in palette].index(color.to_hex())
    h, w = frame.shape[:2]
    cols = np.clip(((points[:, 0] + S.FRAME_W / 2) / S.FRAME_W * w).astype(int), 1, w - 2)
    rows = np.clip(((S.FRAME_H / 2 - points[:, 1]) / S.FRAME_H * h).astype(int), 1, h - 2)
    hits = 0
    for r, c in zip(rows, cols, strict=True):
        q = frame[r - 1:r + 2, c - 1:c + 2].reshape(-1, 3).astype(float) - bg
        alpha = np.clip(q @ vs.T / (vs * vs).sum(axis=1), 0.0, 1.0)
        residual = np.linalg.norm(q[:, None, :] - alpha[:, :, None] * vs[None], axis=2)
        best = residual.argmin(axis=1)
        strong = alpha[np.arange(len(q)), best] > 0.35
        hits += bool(np.any((best == target) & strong))
    return hits / len(points)


# --- Bookmarks: which visual each <bookmark/> starts. ---
def recording(cls: type[ChapterScene]) -> type[ChapterScene]:
    """A subclass of ``cls`` that logs every ``play`` in ``play_log`` (scene time, ids of the mobjects it animates
    and of their families, taken when it starts) and every bookmark waited for in ``marks_used`` (beat, name, its
    scene time from the tracker)."""

    class Recording(cls):  # type: ignore[valid-type, misc]
        def setup(self) -> None:
            super().setup()
            self.play_log: list[tuple[float, set[int]]] = []
            self.marks_used: list[tuple[str, str, float]] = []

        def play(self, *animations, **kwargs) -> None:
            ids = {id(m) for a in animations for mob in _animated(a) for m in mob.get_family()}
            self.play_log.append((float(self.renderer.time), ids))
            super().play(*animations, **kwargs)

        def wait_until_bookmark(self, mark: str) -> None:
            self.marks_used.append((self.beats_done[-1], mark, float(self.current_tracker.bookmark_times[mark])))
            super().wait_until_bookmark(mark)

    Recording.__name__ = Recording.__qualname__ = cls.__name__
    return Recording


def _animated(animation) -> list:
    """The mobjects an animation acts on or brings in, looking inside groups (an AnimationGroup's own group leaves
    out what its Create/FadeIn parts introduce; a FadeTransform animates copies of its target)."""
    parts = getattr(animation, "animations", None)
    if parts is not None:
        return [mob for part in parts for mob in _animated(part)]
    extra = [getattr(animation, name, None) for name in ("target_mobject", "to_add_on_completion")]
    return [animation.mobject, *[m for m in extra if m is not None]]


def first_play_of(scene: ChapterScene, mob, after: float = -1.0) -> float | None:
    """Scene time of the first recorded ``play`` at or after ``after`` that animates ``mob`` or a mobject of its
    family (or a group holding it)."""
    wanted = set(map(id, mob.get_family()))
    for start, ids in scene.play_log:
        if start >= after - 1e-9 and wanted & ids:
            return start
    return None


#: How far a visual may start from its bookmark in the tiny render of ``run_scene``: it runs at 6 fps and run
#: times round up to whole frames.
CUE_SLACK = 1.5 / 6


def cue_problems(scene: ChapterScene, cues: list[tuple[str, str, Callable[[ChapterScene], Any]]],
                 slack: float = CUE_SLACK) -> list[str]:
    """What is wrong with a recorded scene's bookmarks: ``cues`` lists (beat, bookmark, what the words after it
    name) in narration order; every bookmark of the narration must be waited for, in that order, and the named
    mobject's first animation after it must start at the bookmark."""
    from scenes.segments import bookmarks

    narrated = [(beat, mark) for beat in scene.beats_done for mark in bookmarks(scene.script[beat])]
    used = [(beat, mark) for beat, mark, _ in scene.marks_used]
    if not (used == narrated == [cue[:2] for cue in cues]):
        return [f"bookmarks: narrated {narrated}, waited for {used}, expected {[cue[:2] for cue in cues]}"]
    problems = []
    for (beat, mark, at), (_, _, target) in zip(scene.marks_used, cues, strict=True):
        start = first_play_of(scene, target(scene), after=at - slack)
        if start is None or abs(start - at) > slack:
            problems.append(f"{beat}/{mark}: its visual starts at {start}, the bookmark at {at:.2f}")
    return problems


def cues_in_order(cls: type[ChapterScene], by_mark: dict[str, Callable[[ChapterScene], Any]]
                  ) -> list[tuple[str, str, Callable[[ChapterScene], Any]]]:
    """``cue_problems``'s list from a chapter's {bookmark: what it names} table, in narration order (bookmark names
    unique within the chapter)."""
    from scenes.narration import load_script
    from scenes.segments import bookmarks

    script = load_script(cls.chapter, cls.narration_dir)
    return [(beat, mark, by_mark[mark]) for beat, text in script.items() for mark in bookmarks(text)]

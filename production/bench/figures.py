"""The benchmark's figures as typed records, and ``benchmarks/results.json`` (:class:`Results`) read and written.

Each record's fields are the keys of its JSON object, in the order the benchmark writes them (so records are
built by keyword). A field declared with :func:`absent` is left out of the JSON while it is None (a figure not
measured, or a key older results lack); every other field is always written. Reading checks every key and type
and raises ValueError naming the file and the key (``chapters.ch05_prior.ms_per_frame.total``). The sections the
benchmark writes as plain JSON (machine, scaling, voice, pacing, memory_4k, targets_table, ...) are kept in
:attr:`Results.other` as they are.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def absent() -> Any:
    """A field that is None, and left out of the JSON, until it is measured."""
    return dataclasses.field(default=None, metadata={"absent": "none"})


def absent_when_empty() -> Any:
    """A dict field left out of the JSON while it is empty."""
    return dataclasses.field(default_factory=dict, metadata={"absent": "empty"})


def _what(tp: object) -> str:
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false"}.get(tp, str(tp))


def _convert(tp: Any, value: object, where: str) -> Any:
    """``value`` checked against the type annotation ``tp`` (numbers become floats where floats are declared)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        [tp] = [a for a in args if a is not type(None)]
        return _convert(tp, value, where)
    if dataclasses.is_dataclass(tp):
        return _record(tp, value, where)
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where} must be an object, got {value!r}")
        return {k: _convert(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if origin is list:
        if not isinstance(value, list):
            raise ValueError(f"{where} must be a list, got {value!r}")
        return [_convert(args[0], v, f"{where}[{i}]") for i, v in enumerate(value)]
    ok = {bool: lambda v: isinstance(v, bool), str: lambda v: isinstance(v, str),
          int: lambda v: isinstance(v, int) and not isinstance(v, bool),
          float: lambda v: isinstance(v, int | float) and not isinstance(v, bool)}[tp]
    if not ok(value):
        raise ValueError(f"{where} must be {_what(tp)}, got {value!r}")
    return float(value) if tp is float else value


def _record(cls: type[T], data: object, where: str) -> T:
    """A dataclass ``cls`` from its JSON object: every required key present, no unknown key, every value typed."""
    if not isinstance(data, dict):
        raise ValueError(f"{where or cls.__name__} must be an object, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(f"{where or cls.__name__} has unknown key {unknown[0]!r}")
    values = {}
    for name, field in fields.items():
        if name in data:
            values[name] = _convert(hints[name], data[name], f"{where}.{name}" if where else name)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ValueError(f"{where or cls.__name__} has no {name!r}")
    return cls(**values)


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value):
        return to_dict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_dict(record: object) -> dict[str, object]:
    """The JSON object of a record: its fields in order, those declared :func:`absent` left out while unset."""
    out = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        mode = field.metadata.get("absent")
        if (mode == "none" and value is None) or (mode == "empty" and not value):
            continue
        out[field.name] = _plain(value)
    return out


class Record:
    """``to_dict``/``from_dict`` for the records below."""

    def to_dict(self) -> dict[str, object]:
        return to_dict(self)

    @classmethod
    def from_dict(cls: type[T], data: object, where: str = "") -> T:
        """The record, checked; ValueError naming the key (prefixed with ``where``) that is missing or wrong."""
        return _record(cls, data, where)


@dataclass(frozen=True, kw_only=True)
class FrameCosts(Record):
    """Milliseconds per frame of one chapter render by stage (``ms_per_frame``; see production/bench/run.py)."""

    total: float
    updaters_mathcore: float
    interpolate: float
    raster: float
    encode_thread: float
    encode_cpu: float | None = absent()
    encode_wait: float | None = absent()
    begin: float | None = absent()
    other: float | None = absent()


@dataclass(frozen=True, kw_only=True)
class ChapterFigures(Record):
    """One chapter at the benchmark's size: medians of the timed renders, and its frame limit when measured."""

    frames: int
    file_frames: int | None = absent()
    runs: int | None = absent()
    video_seconds: float | None = absent()
    wall_s: float | None = absent()
    fps: float
    rtf: float
    peak_mib: float
    cpu_ms_per_frame: float | None = absent()
    init_s: float | None = absent()
    ms_per_frame: FrameCosts
    limit_ms_per_frame: float | None = absent()
    limit_ratio: float | None = absent()
    limit_cpu_ms_per_frame: float | None = absent()
    limit_cpu_ratio: float | None = absent()
    limit_frames: int | None = absent()
    snapshot_mib: float | None = absent()
    measured: dict[str, Any] | None = absent()
    #: The same chapter with the project's speed-ups undone (``--compare``).
    stock: ChapterFigures | None = absent()


@dataclass(frozen=True, kw_only=True)
class VideoRun(Record):
    """One ``make video`` run (cold, warm or unchanged), from its manifest entries and package (pipeline.py)."""

    wall_s: float
    video_seconds: float
    rtf: float | None
    chapters_rendered: int
    packaging_after_last_chapter_s: float
    packaging_share: float
    shares: dict[str, float]
    stage_seconds: dict[str, float]
    encode_cpu_s: float
    worker_cpu_s: float
    encode_cpu_share: float | None
    cpu_s: float
    peak_mib_per_worker: float | None
    per_chapter: dict[str, dict[str, float]]
    upload_file: str | None = absent()
    upload_mb: float | None = absent()


@dataclass(frozen=True, kw_only=True)
class VideoFigures(Record):
    """The whole-video figures at one quality: the cold, warm (``--force``) and unchanged runs."""

    quality: str
    jobs: int
    voice: str
    cold: VideoRun | None = absent()
    warm: VideoRun | None = absent()
    rerun: VideoRun | None = absent()
    measured: dict[str, Any] | None = absent()

    def run(self, name: str) -> VideoRun | None:
        """The run called ``name`` (cold, warm or rerun), if measured."""
        return {"cold": self.cold, "warm": self.warm, "rerun": self.rerun}[name]


@dataclass(frozen=True, kw_only=True)
class QualitySample(Record):
    """SSIM and PSNR of a chapter's sample, delivery encode against lossless (encode_quality.py)."""

    ssim: float
    psnr_db: float
    frames: int
    first_play: int
    last_play: int
    start_s: float
    end_s: float
    delivery_bytes: int
    lossless_bytes: int
    delivery_mbps: float


@dataclass(frozen=True, kw_only=True)
class QualitySummary(Record):
    """The worst SSIM and PSNR over the chapters, and whether every chapter meets the SSIM target."""

    min_ssim: float
    min_psnr_db: float
    ssim_target: float
    met: bool


@dataclass(frozen=True, kw_only=True)
class QualityFigures(Record):
    """The quality section; ``{}`` (nothing measured yet) reads as a record with every field unset."""

    size: list[int] | None = absent()
    sample_seconds: float | None = absent()
    chapters: dict[str, QualitySample] = absent_when_empty()
    summary: QualitySummary | None = absent()
    measured: dict[str, Any] | None = absent()


#: The order of the sections in results.json (any other comes after them).
ORDER = ("machine", "size", "runs", "started", "chapters", "scaling", "voice", "video", "quality", "pacing",
         "memory_4k", "targets_table", "bench_seconds")
_TYPED = ("chapters", "video", "quality")


@dataclass
class Results:
    """``benchmarks/results.json``: the typed sections, and the others as plain JSON in ``other``."""

    chapters: dict[str, ChapterFigures] = dataclasses.field(default_factory=dict)
    #: By quality; None when the video section never ran (the key is then absent).
    video: dict[str, VideoFigures] | None = None
    quality: QualityFigures | None = None
    other: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: The order of the sections in the file read, which writing keeps (new sections go by :data:`ORDER`).
    keys: tuple[str, ...] = dataclasses.field(default=(), repr=False, compare=False)

    def hd_run(self, name: str) -> VideoRun | None:
        """The ``make video`` run ``name`` at hd, if measured."""
        video = (self.video or {}).get("hd")
        return video.run(name) if video else None

    def to_dict(self) -> dict[str, object]:
        data = {**self.other, "chapters": _plain(self.chapters)}
        if self.video is not None:
            data["video"] = _plain(self.video)
        if self.quality is not None:
            data["quality"] = self.quality.to_dict()
        rank = {name: i for i, name in enumerate(ORDER)}
        seen = {name: i for i, name in enumerate(self.keys)}
        return dict(sorted(data.items(), key=lambda kv: (kv[0] not in seen, seen.get(kv[0], 0),
                                                         rank.get(kv[0], len(ORDER)))))

    @classmethod
    def from_dict(cls, data: object) -> Results:
        """The results, checked; ValueError naming the key that is missing or wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"is a JSON {type(data).__name__}, not an object")
        other = {k: v for k, v in data.items() if k not in _TYPED}
        chapters = _convert(dict[str, ChapterFigures], data.get("chapters", {}), "chapters")
        video = None if data.get("video") is None else _convert(dict[str, VideoFigures], data["video"], "video")
        quality = None if data.get("quality") is None else QualityFigures.from_dict(data["quality"], "quality")
        return cls(chapters, video, quality, other, tuple(data))

    @classmethod
    def from_file(cls, path: Path) -> Results:
        """``path`` read and checked; ValueError naming the file and the key when it is not valid results."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls.from_dict(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path} is not valid JSON ({exc}); remove it or give another --out") from None
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def to_file(self, path: Path) -> None:
        """Write ``path`` atomically (a temporary file in the same folder, then a rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)


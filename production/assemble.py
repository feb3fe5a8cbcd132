"""Assemble the YouTube package in media/final/: video, chapters.txt, description.txt, thumbnail, captions.

Every file is written under a temporary name and renamed when complete, so an interrupted run leaves the
previous package as it was. The final encode is skipped when its inputs (the chapter renders, quality,
title, encode settings and the audio module) did not change.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from production import cache, chapters, describe, encode, thumbnail
from production.config import ROOT, VideoConfig
from production.probe import probe
from production.render import ChapterRender, RenderSettings, fmt_clock

#: Bump when encode.py changes what it writes.
ENCODE_FORMAT = 1


@dataclass
class Package:
    video: Path
    description: Path
    thumbnail: Path
    chapters: Path | None = None
    srt: Path | None = None
    vtt: Path | None = None
    encoded: bool = True
    notes: list[str] = field(default_factory=list)

    def files(self) -> list[Path]:
        return [p for p in (self.video, self.thumbnail, self.chapters, self.description, self.srt, self.vtt) if p]


def chapter_starts(renders: list[ChapterRender]) -> list[float]:
    starts, t = [], 0.0
    for r in renders:
        starts.append(t)
        t += r.duration
    return starts


def _optional(module: str, name: str) -> Callable | None:
    """A function from a production module another engineer provides, or None while it does not exist."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _source_digest(*paths: Path) -> str:
    return cache.digest({str(p): p.read_text(encoding="utf-8") for p in paths if p.is_file()})


class Assembler:
    def __init__(self, settings: RenderSettings, cfg: VideoConfig, media: Path, out: Callable[[str], None] = print,
                 strict: bool = False, still: tuple[str, str] | None | bool = True) -> None:
        """``still``: the thumbnail scene (module, class); True = the title chapter's, when it exists."""
        self.settings, self.cfg, self.media, self.out, self.strict = settings, cfg, media, out, strict
        self.still = thumbnail.default_still() if still is True else (still or None)
        self.final = media / "final"
        self.manifest_path = media / "render" / "manifest.json"
        self._last_progress = 0.0

    def run(self, renders: list[ChapterRender]) -> Package:
        if not renders:
            raise ValueError("no chapter was rendered: nothing to assemble")
        self.final.mkdir(parents=True, exist_ok=True)
        _clean_stale(self.final)
        tmp = self.final / f".tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            package = Package(video=self.final / f"{self.cfg.slug}.mp4", description=self.final / "description.txt",
                              thumbnail=self.final / "thumbnail.png")
            package.encoded = self._video(renders, package, tmp)
            self._captions(renders, package, tmp)
            lines = self._chapters(renders, package)
            text = describe.description(self.cfg.title, self.cfg.summary, lines, self.cfg.credits, self.cfg.tags)
            _write_atomic(package.description, text)
            self._thumbnail(renders, package)
            return package
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _video(self, renders: list[ChapterRender], package: Package, tmp: Path) -> bool:
        audio_src = ROOT / "production" / "audio.py"
        loudnorm = _optional("production.audio", "loudnorm_filter")
        key = cache.digest({"chapters": [r.key for r in renders], "quality": self.settings.quality.__dict__,
                            "format": ENCODE_FORMAT, "title": self.cfg.title, "encode": _source_digest(
                                ROOT / "production" / "encode.py", audio_src), "loudnorm": loudnorm is not None})
        manifest = cache.load_manifest(self.manifest_path)
        entry = manifest.get("final/video", {})
        video = package.video
        if entry.get("key") == key and video.is_file() and video.stat().st_size == entry.get("size"):
            self.out(f"  = {video.name}: unchanged, not encoded again")
            return False
        total = sum(r.duration for r in renders)
        soundtrack = tmp / "soundtrack.wav"
        encode.build_soundtrack([(r.wav, r.duration) for r in renders], soundtrack)
        audio_filter = None
        if any(r.wav for r in renders):
            if loudnorm is None:
                package.notes.append("production.audio is not available yet: loudness left as rendered")
            else:
                audio_filter = loudnorm(soundtrack)
        part = tmp / video.name
        self.out(f"  encoding {video.name} ({self.settings.quality.label}, {fmt_clock(total)}) ...")
        encode.encode_youtube([r.video for r in renders], soundtrack, self.settings.quality, part,
                              audio_filter=audio_filter, total_seconds=total, on_progress=self._encode_progress,
                              metadata={"title": self.cfg.title, "comment": self.cfg.credits})
        self._clear()
        got = float(probe(part)["format"]["duration"])
        if abs(got - total) > 0.1:
            raise RuntimeError(f"encoded video lasts {got:.3f} s but the chapters add up to {total:.3f} s")
        os.replace(part, video)
        manifest = cache.load_manifest(self.manifest_path)
        manifest["final/video"] = {"key": key, "size": video.stat().st_size}
        cache.save_manifest(self.manifest_path, manifest)
        return True

    def _encode_progress(self, fraction: float) -> None:
        now = time.monotonic()
        if sys.stdout.isatty():
            sys.stdout.write(f"\r\033[K  encoding {fraction:4.0%}")
            sys.stdout.flush()
        elif now - self._last_progress >= 15:
            self._last_progress = now
            self.out(f"  encoding {fraction:4.0%}")

    def _clear(self) -> None:
        if sys.stdout.isatty():
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()

    def _captions(self, renders: list[ChapterRender], package: Package, tmp: Path) -> None:
        srt_out, vtt_out = self.final / "captions.srt", self.final / "captions.vtt"
        pairs = [(r.srt, start) for r, start in zip(renders, chapter_starts(renders), strict=True) if r.srt]
        if not pairs:
            srt_out.unlink(missing_ok=True)
            vtt_out.unlink(missing_ok=True)
            package.notes.append("no chapter has narration subtitles: no captions written")
            return
        merge = _optional("production.captions", "merge_captions")
        if merge is None:
            package.notes.append("production.captions is not available yet: captions skipped")
            return
        tmp_srt, tmp_vtt = tmp / "captions.srt", tmp / "captions.vtt"
        merge(pairs, tmp_srt, tmp_vtt)
        os.replace(tmp_srt, srt_out)
        os.replace(tmp_vtt, vtt_out)
        package.srt, package.vtt = srt_out, vtt_out

    def _chapters(self, renders: list[ChapterRender], package: Package) -> list[str]:
        path = self.final / "chapters.txt"
        try:
            lines = chapters.chapter_lines([(r.job.title, r.duration) for r in renders])
        except ValueError as exc:
            if self.strict:
                raise
            path.unlink(missing_ok=True)
            package.notes.append(f"chapters.txt not written: {exc}")
            return []
        _write_atomic(path, "\n".join(lines) + "\n")
        package.chapters = path
        return lines

    def _thumbnail(self, renders: list[ChapterRender], package: Package) -> None:
        first = renders[0]
        scene_based = self.still is not None
        sources = [thumbnail.THUMBNAIL_SOURCE, *cache.shared_sources()] if scene_based else []
        key = cache.digest({"scene": self.still, "sources": _source_digest(*sources),
                            "first": None if scene_based else first.key, "theme": self.settings.theme,
                            "module": _source_digest(ROOT / "production" / "thumbnail.py")})
        manifest = cache.load_manifest(self.manifest_path)
        entry = manifest.get("final/thumbnail", {})
        if entry.get("key") == key and package.thumbnail.is_file():
            return
        media_dir = self.media / "render" / "work" / "thumbnail"
        origin = thumbnail.make_thumbnail(package.thumbnail, first.video, first.duration, media_dir,
                                          self.settings.env(), self.still)
        package.notes.append(f"thumbnail from {origin}")
        manifest = cache.load_manifest(self.manifest_path)
        manifest["final/thumbnail"] = {"key": key}
        cache.save_manifest(self.manifest_path, manifest)


_LEFTOVER = re.compile(r"^\.(?:tmp|thumb|still)-(\d+)$|\.(\d+)\.tmp$")


def _clean_stale(folder: Path) -> None:
    """Remove temporary files and dirs that killed runs left behind (their process no longer exists)."""
    for path in folder.iterdir():
        match = _LEFTOVER.search(path.name)
        if not match:
            continue
        pid = int(match.group(1) or match.group(2))
        if pid != os.getpid() and not Path(f"/proc/{pid}").exists():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

"""Assemble one YouTube package in media/final/<package>/: video, chapters.txt, description.txt, thumbnail,
captions and package.json (see production/packaging/package.py for the folder names and the manifest).

Each file is built under a temporary folder inside the package folder; then package.json is removed, the
new files are renamed into place and package.json is written last, so an interrupted run leaves either the
previous package or one without package.json, never one that looks complete. A file is reused only when
its inputs did not change and it still matches package.json (size, sha256, and for media that it decodes);
anything else is built again, with one line saying why.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from production.config import ROOT, VideoConfig
from production.packaging import chapters, describe, encode, package, thumbnail
from production.packaging.audio import loudness_filter
from production.packaging.captions import merge_captions
from production.packaging.package import MANIFEST, FileEntry, PackageManifest, storyboard_numbers
from production.probe import probe
from production.rendering import cache
from production.rendering.renderer import ChapterRender, RenderSettings, fmt_clock, render_root, story_environment

#: Bump when encode.py changes what it writes.
ENCODE_FORMAT = 2


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

    @property
    def directory(self) -> Path:
        return self.video.parent

    @property
    def manifest(self) -> Path:
        return self.directory / MANIFEST

    def files(self) -> list[Path]:
        return [p for p in (self.video, self.thumbnail, self.chapters, self.description, self.srt, self.vtt,
                            self.manifest) if p]


def chapter_starts(renders: list[ChapterRender]) -> list[float]:
    starts, t = [], 0.0
    for r in renders:
        starts.append(t)
        t += r.duration
    return starts


def _story_names(settings: RenderSettings) -> tuple[str, str]:
    """The story file the package tells (relative to the project when inside it) and its ``[line] name``."""
    from mathcore.story import load_story

    path = Path(settings.story)
    return (str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
            load_story(path).line.name)


def _source_digest(*paths: Path) -> str:
    return cache.digest({str(p): p.read_text(encoding="utf-8") for p in paths if p.is_file()})


class _Staging:
    """The files of one package: kept when they still match the old package.json, else built under ``tmp``."""

    def __init__(self, directory: Path, tmp: Path, out: Callable[[str], None]) -> None:
        self.directory, self.tmp, self.out = directory, tmp, out
        self.old = package.load(directory)
        self.entries: dict[str, FileEntry] = {}
        self.built: dict[str, Path] = {}

    def reuse(self, name: str, key: str) -> bool:
        """Keep ``name`` when the old package built it from ``key`` and it still verifies; say why not."""
        entry = self.old.files.get(name) if self.old else None
        if entry is None or entry.key != key:
            return False
        problem = package.file_problem(self.directory / name, entry, self.old)
        if problem is not None:
            self.out(f"  ! {self.directory.name}/{name} {problem}: rebuilding it")
            return False
        self.entries[name] = entry
        return True

    def copy_from_sibling(self, name: str, key: str) -> bool:
        """Copy ``name`` from another package built from the same ``key`` (e.g. the thumbnail), if one verifies."""
        for other in sorted(self.directory.parent.iterdir()):
            manifest = package.load(other) if other != self.directory and other.is_dir() else None
            entry = manifest.files.get(name) if manifest else None
            if entry and entry.key == key and package.file_problem(other / name, entry, manifest) is None:
                shutil.copyfile(other / name, self.tmp / name)
                self.add(name, self.tmp / name, key)
                return True
        return False

    def add(self, name: str, built: Path, key: str | None = None) -> None:
        """``built`` becomes the packaged ``name``; without ``key`` its content is the key (cheap text files)."""
        entry = package.entry_for(built, key or "")
        if key is None:
            entry.key = entry.sha256
            if self.reuse(name, entry.key):
                built.unlink()
                return
        self.entries[name] = entry
        self.built[name] = built

    def commit(self, manifest: PackageManifest) -> None:
        """Rename the new files into place between removing package.json and writing the new one."""
        target = self.directory / MANIFEST
        removed = [n for n in (self.old.files if self.old else {}) if n not in self.entries]
        if self.built or removed:
            target.unlink(missing_ok=True)
            for name, path in self.built.items():
                os.replace(path, self.directory / name)
            for name in removed:
                (self.directory / name).unlink(missing_ok=True)
        manifest.files = dict(sorted(self.entries.items()))
        manifest.to_file(target)


class Assembler:
    def __init__(self, settings: RenderSettings, cfg: VideoConfig, media: Path, out: Callable[[str], None] = print,
                 strict: bool = False, still: tuple[str, str] | None | bool = True,
                 storyboard: Sequence[int] | None = None) -> None:
        """``still``: the thumbnail scene (module, class); True = the title chapter's, when it exists.
        ``storyboard``: the chapter numbers of the complete video (default: scenes/chapters.py)."""
        self.settings, self.cfg, self.media, self.out, self.strict = settings, cfg, media, out, strict
        self.still = thumbnail.default_still() if still is True else (still or None)
        self.storyboard = list(storyboard) if storyboard is not None else storyboard_numbers()
        self.final = media / "final"
        self._last_progress = 0.0

    def directory(self, renders: list[ChapterRender]) -> Path:
        """The package folder for these chapters at these settings."""
        s = self.settings
        numbers = [r.job.number for r in renders]
        return self.final / package.folder_name(s.quality.name, s.theme, s.voice, numbers, self.storyboard,
                                                s.story_slug)

    def run(self, renders: list[ChapterRender]) -> Package:
        if not renders:
            raise ValueError("no chapter was rendered: nothing to assemble")
        directory = self.directory(renders)
        directory.mkdir(parents=True, exist_ok=True)
        with _locked(directory):
            _clean_stale(self.final)
            _clean_stale(directory)
            tmp = directory / f".tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            try:
                pkg = self._assemble(renders, directory, tmp)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        loose = sorted(p.name for p in self.final.iterdir() if p.is_file() and not p.name.startswith("."))
        if loose:
            pkg.notes.append(f"{', '.join(loose)} in {self.final} are from the older layout (one folder per package "
                             "now): delete them")
        return pkg

    def _assemble(self, renders: list[ChapterRender], directory: Path, tmp: Path) -> Package:
        staging = _Staging(directory, tmp, self.out)
        pkg = Package(video=directory / f"{self.cfg.slug}.mp4", description=directory / "description.txt",
                      thumbnail=directory / "thumbnail.png")
        q, numbers = self.settings.quality, [r.job.number for r in renders]
        pkg.encoded, duration = self._video(renders, pkg, staging)
        self._captions(renders, pkg, staging)
        lines = self._chapters(renders, pkg, staging)
        story, story_name = _story_names(self.settings)
        summary = self.cfg.summary_for(story_name)
        if self.settings.story_slug:  # the shipped story's description stays as video.toml writes it
            summary += f"\n\nTold with the story of {story_name} ({story})."
        text = describe.description(self.cfg.title, summary, lines, self.cfg.credits, self.cfg.tags)
        (tmp / pkg.description.name).write_text(text, encoding="utf-8")
        staging.add(pkg.description.name, tmp / pkg.description.name)
        self._thumbnail(renders, pkg, staging)
        manifest = PackageManifest(q.name, q.width, q.height, q.fps, self.settings.theme, self.settings.voice,
                                   numbers, self.storyboard, numbers == self.storyboard, duration,
                                   story=story, story_name=story_name)
        staging.commit(manifest)
        if not manifest.complete or (q.name, self.settings.theme) != (self.cfg.quality, self.cfg.theme):
            pkg.notes.append(f"{directory.name} holds {manifest.contents(theme=True)}: `make publish` takes only "
                             f"the complete video at {self.cfg.quality}, {self.cfg.theme} theme")
        return pkg

    def _video(self, renders: list[ChapterRender], pkg: Package, staging: _Staging) -> tuple[bool, float]:
        """Join the chapters into the video (stream copy, audio encoded) unless the package holds a valid one of
        the same inputs; (encoded, duration)."""
        audio_src = ROOT / "production" / "audio.py"
        key = cache.digest({"chapters": [r.key for r in renders], "quality": self.settings.quality.__dict__,
                            "format": ENCODE_FORMAT, "title": self.cfg.title, "encode": _source_digest(
                                ROOT / "production" / "encode.py", audio_src)})
        name = pkg.video.name
        if staging.reuse(name, key):
            self.out(f"  = {name}: unchanged, not encoded again")
            assert staging.old is not None
            return False, staging.old.duration
        total = sum(r.duration for r in renders)
        soundtrack = staging.tmp / "soundtrack.wav"
        encode.build_soundtrack([(r.wav, r.duration) for r in renders], soundtrack)
        audio_filter = loudness_filter(soundtrack) if any(r.wav for r in renders) else None
        part = staging.tmp / name
        self.out(f"  joining {name} ({self.settings.quality.label}, {fmt_clock(total)}) ...")
        reencoded = encode.encode_youtube([r.video for r in renders], soundtrack, self.settings.quality, part,
                                          audio_filter=audio_filter, total_seconds=total,
                                          on_progress=self._encode_progress,
                                          metadata={"title": self.cfg.title, "comment": self.cfg.credits})
        self._clear()
        if reencoded:
            pkg.notes.append("the video was re-encoded, not stream-copied, because " + "; ".join(reencoded))
        soundtrack.unlink(missing_ok=True)
        got = float(probe(part)["format"]["duration"])
        if abs(got - total) > 0.1:
            raise RuntimeError(f"encoded video lasts {got:.3f} s but the chapters add up to {total:.3f} s")
        staging.add(name, part, key)
        return True, got

    def _encode_progress(self, fraction: float) -> None:
        now = time.monotonic()
        if sys.stdout.isatty():
            sys.stdout.write(f"\r\033[K  writing {fraction:4.0%}")
            sys.stdout.flush()
        elif now - self._last_progress >= 15:
            self._last_progress = now
            self.out(f"  writing {fraction:4.0%}")

    def _clear(self) -> None:
        if sys.stdout.isatty():
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()

    def _captions(self, renders: list[ChapterRender], pkg: Package, staging: _Staging) -> None:
        pairs = [(r.srt, start) for r, start in zip(renders, chapter_starts(renders), strict=True) if r.srt]
        if not pairs:
            pkg.notes.append("no chapter has narration subtitles: no captions written")
            return
        srt_tmp, vtt_tmp = staging.tmp / "captions.srt", staging.tmp / "captions.vtt"
        merge_captions(pairs, srt_tmp, vtt_tmp)
        staging.add(srt_tmp.name, srt_tmp)
        staging.add(vtt_tmp.name, vtt_tmp)
        pkg.srt, pkg.vtt = pkg.directory / srt_tmp.name, pkg.directory / vtt_tmp.name

    def _chapters(self, renders: list[ChapterRender], pkg: Package, staging: _Staging) -> list[str]:
        try:
            lines = chapters.chapter_lines([(r.job.title, r.duration) for r in renders])
        except ValueError as exc:
            if self.strict:
                raise
            pkg.notes.append(f"chapters.txt not written: {exc}")
            return []
        built = staging.tmp / "chapters.txt"
        built.write_text("\n".join(lines) + "\n", encoding="utf-8")
        staging.add(built.name, built)
        pkg.chapters = pkg.directory / built.name
        return lines

    def _thumbnail(self, renders: list[ChapterRender], pkg: Package, staging: _Staging) -> None:
        first = renders[0]
        scene_based = self.still is not None
        with story_environment(self.settings.story):  # the story files among the sources are this story's
            sources = [thumbnail.THUMBNAIL_SOURCE, *cache.shared_sources()] if scene_based else []
        key = cache.digest({"scene": self.still, "sources": _source_digest(*sources),
                            "first": None if scene_based else first.key, "theme": self.settings.theme,
                            "module": _source_digest(ROOT / "production" / "thumbnail.py")})
        name = pkg.thumbnail.name
        if staging.reuse(name, key) or staging.copy_from_sibling(name, key):
            return
        media_dir = render_root(self.media, self.settings) / "work" / "thumbnail"
        built = staging.tmp / name
        origin = thumbnail.make_thumbnail(built, first.video, first.duration, media_dir, self.settings.env(),
                                          self.still)
        staging.add(name, built, key)
        pkg.notes.append(f"thumbnail from {origin}")


class _locked:
    """An exclusive lock on a package folder for one assembly; a second one at the same time stops at once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.handle = None

    def __enter__(self) -> None:
        self.handle = (self.directory / ".lock").open("a")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise RuntimeError(f"another run is assembling {self.directory} right now: wait for it to finish") \
                from None

    def __exit__(self, *exc: object) -> None:
        assert self.handle is not None
        self.handle.close()


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

"""Upload the finished package to YouTube: video, captions, thumbnail, chapters in the description.

The package is media/final/<quality>-<theme>/ for the quality and theme of video.toml (see
production/packaging/package.py), media/final/<quality>-<theme>-<story-slug>/ for the story --story (or
$MLE2MAP_STORY) names; anything else (a chapter subset, another quality, theme or story, a folder without
package.json) is refused unless --allow-partial is given. `python -m production.youtube.publish --dry-run` checks
everything locally and prints the requests it would send; without --dry-run it signs in with the user's own OAuth
client and uploads (see README, 'Publishing to YouTube').
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from production.config import CONFIG_PATH, FINAL, PRIVACY, ROOT, VideoConfig, load_config
from production.packaging.package import (
    DURATION_TOLERANCE,
    MANIFEST,
    PackageManifest,
    file_problem,
    folder_name,
    storyboard_numbers,
)
from production.rendering.renderer import active_story, story_environment, story_slug
from production.youtube.api import (
    DEFAULT_CHUNKSIZE,
    PublishError,
    RetryPolicy,
    caption_request,
    describe,
    execute,
    offline_service,
    thumbnail_request,
    upload_video,
    video_request,
)
from production.youtube.auth import SECRETS_ENV, AuthError, check_client_secrets, client_secrets_path, token_path
from production.youtube.checks import (
    DESCRIPTION_MAX_BYTES,
    TAGS_MAX_CHARS,
    TITLE_MAX_CHARS,
    PackageError,
    VideoInfo,
    caption_problems,
    chapter_problems,
    description_with_chapters,
    metadata_problems,
    parse_chapters,
    tags_length,
    thumbnail_problems,
    video_problems,
)

PLACEHOLDER_ID = "VIDEO_ID_FROM_UPLOAD"
CAPTION_NAME = "Narration"


class WrongPackage(ValueError):
    """The folder is not the complete video at the configured quality and theme (exit status 2)."""


@dataclass(frozen=True)
class Wanted:
    """What `make video` builds by default, and so what publish takes: quality, theme and voice as configured."""

    quality: str
    theme: str
    voice: str
    storyboard: tuple[int, ...]
    #: The story's media slug ('' = the shipped story) and its file as `make video STORY=` takes it.
    story: str = ""
    story_file: str = ""

    @classmethod
    def from_config(cls, config: VideoConfig) -> Wanted:
        """video.toml's [render] values; MLE2MAP_THEME / MLE2MAP_VOICE win, as they do for `make video`, and the
        story is $MLE2MAP_STORY's (else the shipped one)."""
        theme = (os.environ.get("MLE2MAP_THEME") or config.theme).strip().lower()
        voice = (os.environ.get("MLE2MAP_VOICE") or config.voice).strip().lower()
        story = active_story()
        return cls(config.quality, theme, voice, tuple(storyboard_numbers()), story_slug(story), _shown(story))

    @property
    def folder(self) -> Path:
        return FINAL / folder_name(self.quality, self.theme, self.voice, self.storyboard, self.storyboard, self.story)

    def matches(self, manifest: PackageManifest) -> bool:
        return (manifest.complete and manifest.quality == self.quality and manifest.theme == self.theme
                and (manifest.voice == "none") == (self.voice == "none")
                and _story_of(manifest) == self.story)

    def needs(self, manifest: PackageManifest | None = None) -> str:
        text = f"publish needs the complete video at {self.quality}"
        if manifest is None or manifest.theme != self.theme:
            text += f", {self.theme} theme"
        if manifest is not None and (manifest.voice == "none") != (self.voice == "none"):
            text += ", silent" if self.voice == "none" else ", narrated"
        if manifest is not None and _story_of(manifest) != self.story:
            text += f" of the story {self.story_file}"
        make = "make video" + ("" if self.quality == "hd" else f" QUALITY={self.quality}") + (
            f" STORY={self.story_file}" if self.story else "")
        return f"{text}: run `{make}`"


def _story_of(manifest: PackageManifest) -> str:
    """The slug of the story a package tells ('' for the shipped one, and for packages older than stories)."""
    return story_slug(ROOT / manifest.story) if manifest.story else ""


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _packages_in(folder: Path) -> str:
    """`` (media/final holds: a, b)`` listing the package folders found, or an empty string."""
    if not folder.is_dir():
        return ""
    found = []
    for other in sorted(p for p in folder.iterdir() if p.is_dir() and (p / MANIFEST).is_file()):
        try:
            found.append(f"{other.name} with {PackageManifest.from_file(other / MANIFEST).contents(theme=True)}")
        except ValueError:
            found.append(f"{other.name} (unreadable {MANIFEST})")
    return f" ({_shown(folder)} holds: {'; '.join(found)})" if found else ""


def package_manifest(directory: Path, wanted: Wanted, allow_partial: bool = False) -> PackageManifest | None:
    """The package's manifest; WrongPackage naming what the folder holds unless it is what ``wanted`` asks for.

    With ``allow_partial`` any package is accepted, and a folder without package.json gives None.
    """
    if not directory.is_dir():
        raise WrongPackage(f"{_shown(directory)} not found{_packages_in(directory.parent)}; {wanted.needs()}")
    if not (directory / MANIFEST).is_file():
        if allow_partial:
            return None
        raise WrongPackage(f"{_shown(directory)} has no {MANIFEST} (an older layout, a folder made by hand or an "
                           f"interrupted assembly); {wanted.needs()}")
    try:
        manifest = PackageManifest.from_file(directory / MANIFEST)
    except ValueError as exc:
        raise WrongPackage(f"{exc}; {wanted.needs()}") from None
    if not allow_partial and not wanted.matches(manifest):
        raise WrongPackage(f"{_shown(directory)} holds {manifest.contents(theme=manifest.theme != wanted.theme)}; "
                           f"{wanted.needs(manifest)} (--allow-partial publishes it anyway)")
    return manifest


def manifest_problems(package: Package, manifest: PackageManifest, info: VideoInfo | None) -> tuple[list[str],
                                                                                               list[str]]:
    """(problems, warnings): the video must still have the frame size and duration package.json records
    (``info`` from ffprobe); any other difference from package.json (a description edited by hand, say) is
    only a warning."""
    problems, warnings = [], []
    if info is not None:
        found, recorded = f"{info.width}x{info.height}", f"{manifest.width}x{manifest.height}"
        if found != recorded:
            problems.append(f"{package.video.name} is {found}, {MANIFEST} records {recorded}")
        if abs(info.duration - manifest.duration) > DURATION_TOLERANCE:
            problems.append(f"{package.video.name} lasts {info.duration:.2f} s, {MANIFEST} records "
                            f"{manifest.duration:.2f} s")
        if problems:
            problems[-1] += ": it is not the video this package was assembled with; run `make video` to rebuild it"
    for name, entry in manifest.files.items():
        if name == package.video.name and (info is None or problems):
            continue
        problem = file_problem(package.directory / name, entry)
        if problem is not None:
            warnings.append(f"{name} {problem} since the assembly")
    return problems, warnings


@dataclass(frozen=True)
class Package:
    """The files of one upload package, named as the assembly step writes them."""

    directory: Path
    video: Path
    description: Path
    chapters: Path
    thumbnail: Path
    srt: Path
    vtt: Path

    @classmethod
    def at(cls, directory: Path, slug: str) -> Package:
        names = ("description.txt", "chapters.txt", "thumbnail.png", "captions.srt", "captions.vtt")
        return cls(directory, directory / f"{slug}.mp4", *(directory / n for n in names))


@dataclass
class Plan:
    """Everything checked and ready: the videos.insert body and the files to send after it."""

    package: Package
    body: dict
    language: str
    thumbnail_mime: str
    info: VideoInfo
    warnings: list[str] = field(default_factory=list)
    manifest: PackageManifest | None = None


def _read_text(path: Path, problems: list[str]) -> str:
    if not path.is_file():
        problems.append(f"{path.name} not found in {path.parent}")
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{path.name} is not UTF-8 text")
        return ""


def build_plan(directory: Path, config: VideoConfig, privacy: str | None = None, allow_partial: bool = False) -> Plan:
    """Check the package and metadata; raise WrongPackage when the folder is not the complete video at the
    configured quality and theme (unless ``allow_partial``), PackageError listing every problem, or return
    the upload plan."""
    privacy = privacy or config.privacy
    if privacy not in PRIVACY:
        raise ValueError(f"privacy must be one of {', '.join(PRIVACY)}, got {privacy!r}")
    manifest = package_manifest(directory, Wanted.from_config(config), allow_partial)
    package = Package.at(directory, config.slug)
    problems: list[str] = []
    video_issues, warnings, info = video_problems(package.video)
    problems += video_issues
    if manifest is not None:
        recorded, changed = manifest_problems(package, manifest, info)
        problems += recorded
        warnings += changed
    duration = info.duration if info else None
    thumb_issues, mime = thumbnail_problems(package.thumbnail)
    problems += thumb_issues
    problems += caption_problems(package.srt, package.vtt, duration)
    description = _read_text(package.description, problems)
    chapters_text = _read_text(package.chapters, problems)
    if package.chapters.is_file():
        try:
            marks = parse_chapters(chapters_text)
        except ValueError as exc:
            problems.append(str(exc))
        else:
            problems += chapter_problems(marks, duration)
            if package.description.is_file():
                try:
                    description = description_with_chapters(description, marks)
                except PackageError as exc:
                    problems += exc.problems
    problems += metadata_problems(config.title, description, config.tags)
    if problems:
        raise PackageError(problems)
    body = {
        "snippet": {
            "title": config.title,
            "description": description,
            "tags": list(config.tags),
            "categoryId": config.category_id,
            "defaultLanguage": config.language,
            "defaultAudioLanguage": config.language,
        },
        "status": {"privacyStatus": privacy, "selfDeclaredMadeForKids": config.made_for_kids},
    }
    assert info is not None
    return Plan(package, body, config.language, mime, info, warnings, manifest)


def planned_requests(plan: Plan, chunksize: int = DEFAULT_CHUNKSIZE) -> list[dict]:
    """The three requests as the real client builds them, through a transport that cannot send."""
    service, pkg = offline_service(), plan.package
    caption_body = {"snippet": {"videoId": PLACEHOLDER_ID, "language": plan.language, "name": CAPTION_NAME,
                                "isDraft": False}}
    return [
        describe(video_request(service, pkg.video, plan.body, chunksize), plan.body, pkg.video),
        describe(caption_request(service, PLACEHOLDER_ID, pkg.srt, plan.language, CAPTION_NAME), caption_body,
                 pkg.srt),
        describe(thumbnail_request(service, PLACEHOLDER_ID, pkg.thumbnail, plan.thumbnail_mime), None, pkg.thumbnail),
    ]


def summary(plan: Plan) -> list[str]:
    """Human-readable facts about the checked package."""
    snippet, info, pkg = plan.body["snippet"], plan.info, plan.package
    audio = "with audio" if info.has_audio else "no audio"
    holds = plan.manifest.contents(theme=True) if plan.manifest else f"no {MANIFEST}: contents not recorded"
    return [
        f"package      {_shown(pkg.directory)}: {holds}",
        f"video        {pkg.video} ({pkg.video.stat().st_size / 1e6:.1f} MB, {info.video_codec} {info.width}x"
        f"{info.height} {info.pix_fmt}, {info.duration:.1f} s, {audio})",
        f"title        {len(snippet['title'])}/{TITLE_MAX_CHARS} characters",
        f"description  {len(snippet['description'].encode('utf-8'))}/{DESCRIPTION_MAX_BYTES} bytes, chapters included",
        f"tags         {tags_length(snippet['tags'])}/{TAGS_MAX_CHARS} characters in {len(snippet['tags'])} tags",
        f"thumbnail    {pkg.thumbnail.name} ({pkg.thumbnail.stat().st_size / 1e3:.0f} kB, {plan.thumbnail_mime})",
        f"captions     {pkg.srt.name} and {pkg.vtt.name} parse",
        f"privacy      {plan.body['status']['privacyStatus']}",
    ]


def auth_status(secrets_arg: str | None) -> list[str]:
    """Dry-run view of the sign-in setup; names files, never shows their contents."""
    lines = []
    if secrets_arg or os.environ.get(SECRETS_ENV):
        path = client_secrets_path(secrets_arg)
        check_client_secrets(path)
        lines.append(f"oauth        client secrets {path} look like a Desktop-app client")
    else:
        lines.append(f"oauth        no client-secrets file set (--client-secrets or {SECRETS_ENV}); needed to upload")
    token = token_path()
    state = "exists" if token.is_file() else "absent: the upload will ask you to sign in"
    lines.append(f"token        {token} {state}")
    return lines


def publish(
    plan: Plan,
    service,
    policy: RetryPolicy,
    *,
    chunksize: int = DEFAULT_CHUNKSIZE,
    video_id: str | None = None,
    captions: bool = True,
    thumbnail: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Upload the video (unless video_id names one already uploaded), then its captions and thumbnail."""
    pkg = plan.package
    if video_id is None:
        response = upload_video(video_request(service, pkg.video, plan.body, chunksize), policy, progress)
        video_id = response["id"]
        print(f"uploaded: https://youtu.be/{video_id} ({plan.body['status']['privacyStatus']})", file=sys.stderr)
    try:
        if captions:
            execute(caption_request(service, video_id, pkg.srt, plan.language, CAPTION_NAME), policy, "captions")
            print("captions uploaded", file=sys.stderr)
        if thumbnail:
            execute(thumbnail_request(service, video_id, pkg.thumbnail, plan.thumbnail_mime), policy, "thumbnail")
            print("thumbnail set", file=sys.stderr)
    except PublishError as exc:
        raise PublishError(f"{exc}\nThe video itself is uploaded; finish with --video-id {video_id}") from None
    return video_id


class ProgressPrinter:
    """Upload progress on stderr: a live line on a terminal, one line per 10 % step in a log."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.last_step = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        step = int(fraction * 10)
        if not self.live and step == self.last_step:
            return
        self.last_step = step
        text = f"video upload: {100 * fraction:5.1f}% ({done / 1e6:.1f} of {total / 1e6:.1f} MB)"
        ending = "\n" if fraction >= 1.0 or not self.live else ""
        self.stream.write(("\r" if self.live else "") + text + ending)
        self.stream.flush()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m production.youtube.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="package folder (default media/final/<quality>-<theme> "
                        "for video.toml's [render] quality and theme: the complete video)")
    parser.add_argument("--allow-partial", action="store_true", help="accept a package that is not the complete "
                        "video at the configured quality and theme (a chapter subset, a preview)")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH, help="video.toml to read")
    parser.add_argument("--story", metavar="FILE", help="publish the package of this story (default: "
                        "$MLE2MAP_STORY, else stories/house-prices/story.toml)")
    parser.add_argument("--dry-run", action="store_true", help="check locally and print the requests; send nothing")
    parser.add_argument("--client-secrets", help=f"OAuth client JSON of type Desktop app (or ${SECRETS_ENV})")
    parser.add_argument("--no-browser", action="store_true", help="sign in by pasting an address (headless, SSH)")
    parser.add_argument("--reauth", action="store_true", help="ignore the stored token and sign in again")
    parser.add_argument("--privacy", choices=PRIVACY, help="override [youtube] privacy from video.toml")
    parser.add_argument("--video-id", help="attach captions and thumbnail to this uploaded video; skip the upload")
    parser.add_argument("--no-captions", action="store_true", help="do not upload captions")
    parser.add_argument("--no-thumbnail", action="store_true", help="do not set the thumbnail")
    parser.add_argument("--chunk-mib", type=int, default=DEFAULT_CHUNKSIZE // 2**20, help="upload chunk size (MiB)")
    parser.add_argument("--max-retries", type=int, default=8, help="retries per request on 5xx/network errors")
    args = parser.parse_args(argv)
    if not 1 <= args.chunk_mib <= 1024:
        parser.error(f"--chunk-mib must be in 1..1024, got {args.chunk_mib}")
    if not 0 <= args.max_retries <= 20:
        parser.error(f"--max-retries must be in 0..20, got {args.max_retries}")
    return args


def connect(args: argparse.Namespace):
    """Sign in (stored token or browser) and return the authorised YouTube service."""
    from production.youtube.api import service_for
    from production.youtube.auth import get_credentials

    return service_for(get_credentials(args.client_secrets, no_browser=args.no_browser, reauth=args.reauth))


def main(argv: list[str] | None = None, *, service_factory: Callable[[argparse.Namespace], Any] = connect) -> int:
    """Check the package, then print the plan (--dry-run) or upload it; returns the exit status."""
    args = parse_args(argv)
    with story_environment(args.story):
        return _main(args, service_factory)


def _main(args: argparse.Namespace, service_factory: Callable[[argparse.Namespace], Any]) -> int:
    chunksize = args.chunk_mib * 2**20
    try:
        config = load_config(args.config)
        directory = args.package or Wanted.from_config(config).folder
        plan = build_plan(directory, config, args.privacy, args.allow_partial)
        for warning in plan.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if args.dry_run:
            print("\n".join(summary(plan) + auth_status(args.client_secrets)))
            print("requests that would be sent (no credentials shown; captions and thumbnail use the new id):")
            print(json.dumps(planned_requests(plan, chunksize), indent=2, ensure_ascii=False))
            print("dry run passed: the package is ready to upload")
            return 0
        video_id = publish(plan, service_factory(args), RetryPolicy(max_retries=args.max_retries),
                           chunksize=chunksize, video_id=args.video_id, captions=not args.no_captions,
                           thumbnail=not args.no_thumbnail, progress=ProgressPrinter())
        print(f"done: https://studio.youtube.com/video/{video_id}/edit")
        return 0
    except WrongPackage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (PackageError, AuthError, PublishError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

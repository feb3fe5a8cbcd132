"""Command line of the production pipeline (``python -m production.cli`` or ``mle2map``).

``video`` renders every chapter that exists (in parallel, cached) and assembles the YouTube package in
media/final/<quality>-<theme>/ (see production/package.py); ``render`` only renders; ``status`` lists chapters
and their cache state; ``thumbnail`` and ``contact-sheet`` make the pictures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from production import cache
from production.config import MEDIA, ROOT, check_media, display_path, load_config, os_error_message
from production.jobs import ChapterJob, from_chapters, split_available
from production.quality import PRESETS, preset
from production.render import (
    ChapterRender,
    Renderer,
    RenderError,
    RenderSettings,
    fmt_clock,
    stop_on_signals,
    stop_signal,
    summary_table,
)
from scenes.style import require_font
from scenes.voice import VOICES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mle2map", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("video", "render all chapters and assemble media/final/"),
                            ("render", "render the chapters only (cached)"),
                            ("status", "list the chapters: present, missing, cached"),
                            ("thumbnail", "write media/thumbnail.png (each package gets its own)"),
                            ("contact-sheet", "one still per chapter in media/contact_sheet.png")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--quality", choices=tuple(PRESETS), help="preview (480p15), hd (1080p60), 4k (2160p60); "
                       "default from video.toml [render] quality")
        p.add_argument("-j", "--jobs", type=int, default=0, help="parallel chapter renders (0 = all cores)")
        voice = p.add_mutually_exclusive_group()
        voice.add_argument("--voice", help=f"narration voice, one of {', '.join(VOICES)} "
                           "(default: $MLE2MAP_VOICE, else video.toml [render] voice)")
        voice.add_argument("--no-voice", action="store_true", help="silent render timed from the text (= --voice none)")
        p.add_argument("--voice-model", metavar="PATH.onnx",
                       help="another Piper voice (its .onnx.json beside it); default: $MLE2MAP_VOICE_MODEL, else "
                            "video.toml [render] voice_model, else the bundled en_US joe voice")
        p.add_argument("--theme", choices=("dark", "light"),
                       help="default: $MLE2MAP_THEME, else video.toml [render] theme")
        p.add_argument("--chapters", help="comma-separated chapter numbers or slugs (default: all that exist)")
        p.add_argument("--force", action="store_true", help="render again even when the cache is valid")
        p.add_argument("--strict", action="store_true",
                       help="fail when a chapter is missing or chapters.txt breaks YouTube's rules")
    return parser


def _settings(args: argparse.Namespace, cfg) -> RenderSettings:
    """Options win over the MLE2MAP_VOICE / MLE2MAP_THEME / MLE2MAP_VOICE_MODEL environment, which wins over
    video.toml (whose voice_model is relative to the repository; the others to the current folder)."""
    voice = "none" if args.no_voice else (args.voice or os.environ.get("MLE2MAP_VOICE") or cfg.voice)
    theme = args.theme or os.environ.get("MLE2MAP_THEME") or cfg.theme
    model = getattr(args, "voice_model", None) or os.environ.get("MLE2MAP_VOICE_MODEL", "").strip()
    model = str(Path(model).expanduser().resolve()) if model else (
        str((ROOT / cfg.voice_model).resolve()) if cfg.voice_model else "")
    return RenderSettings(preset(args.quality or cfg.quality), voice.strip().lower(), theme.strip().lower(), model)


def _select(args: argparse.Namespace) -> tuple[list[ChapterJob], list[str]]:
    from scenes.chapters import CHAPTERS, by_slug

    chosen = CHAPTERS
    if args.chapters:
        chosen = tuple(by_slug(s.strip()) for s in args.chapters.split(",") if s.strip())
        if not chosen:
            raise ValueError("--chapters must name at least one chapter")
    ready, missing = split_available(from_chapters(chosen))
    notes = [f"missing chapter {m.slug}: {m.reason}" for m in missing]
    if missing and args.strict:
        raise ValueError("; ".join(notes))
    if not ready:
        raise ValueError("no chapter module exists yet: " + "; ".join(notes))
    return ready, notes


def _render(args: argparse.Namespace, cfg, settings: RenderSettings) -> list[ChapterRender]:
    jobs, notes = _select(args)
    for note in notes:
        print(f"  ! {note}")
    q = settings.quality
    print(f"Rendering {len(jobs)} chapter(s) at {q.label} ({q.width}x{q.height}), voice={settings.voice}, "
          f"theme={settings.theme}, {Renderer(settings, MEDIA, args.jobs).jobs} at a time")
    renders = Renderer(settings, MEDIA, args.jobs, force=args.force).render(jobs)
    print()
    print(summary_table(renders))
    return renders


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def cmd_video(args: argparse.Namespace, cfg, settings: RenderSettings) -> None:
    from production.assemble import Assembler

    renders = _render(args, cfg, settings)
    print("\nAssembling the YouTube package")
    package = Assembler(settings, cfg, MEDIA, strict=args.strict).run(renders)
    for note in package.notes:
        print(f"  ! {note}")
    print(f"\nDone. Everything for the upload is in {display_path(package.video.parent)}/:")
    for path in package.files():
        print(f"  {display_path(path)}  ({_size(path)})")
    print(f"Chapter renders: {display_path(MEDIA / 'render' / settings.quality.name)}/, "
          f"logs: {display_path(MEDIA / 'render' / 'logs')}/")


def cmd_status(args: argparse.Namespace, cfg, settings: RenderSettings) -> None:
    from scenes.chapters import CHAPTERS

    jobs = from_chapters(CHAPTERS)
    ready, missing = split_available(jobs)
    manifest = cache.chapter_entries(cache.load_manifest(MEDIA / "render" / "manifest.json"))
    why = {m.slug: m.reason for m in missing}
    for job in jobs:
        if job.slug in why:
            print(f"  {job.name:<26} missing: {why[job.slug]}")
            continue
        entry = manifest.get(f"{settings.quality.name}/{job.slug}")
        fresh = entry is not None and entry.key == cache.chapter_key(job, settings.key_payload())
        state = "cached" if fresh else ("stale" if entry else "not rendered")
        length = f" {fmt_clock(entry.duration)}" if entry else ""
        print(f"  {job.name:<26} {state} at {settings.quality.name}{length}")


def cmd_thumbnail(args: argparse.Namespace, cfg, settings: RenderSettings) -> None:
    """The ThumbnailScene still when it exists (no chapter render needed), else a frame of the first chapter.

    A quick look at the thumbnail; `video` builds each package's own copy and records it in its package.json."""
    from production.thumbnail import default_still, make_thumbnail

    still = default_still()
    first = None
    if still is None:
        jobs, _ = _select(args)
        first = Renderer(settings, MEDIA, args.jobs).render(jobs[:1])[0]
    out = MEDIA / "thumbnail.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    origin = make_thumbnail(out, first.video if first else None, first.duration if first else 0.0,
                            MEDIA / "render" / "work" / "thumbnail", settings.env(), still)
    print(f"{display_path(out)} ({_size(out)}) from {origin}")


def cmd_contact_sheet(args: argparse.Namespace, cfg, settings: RenderSettings) -> None:
    """Stills from the chapter renders; at preview quality unless --quality says otherwise (cached renders)."""
    from production.contact import contact_sheet

    if args.quality is None:
        settings = RenderSettings(preset("preview"), settings.voice, settings.theme)
    renders = _render(args, cfg, settings)
    out = contact_sheet(renders, MEDIA / "contact_sheet.png")
    print(f"{display_path(out)} ({_size(out)})")


COMMANDS = {"video": cmd_video, "render": _render, "status": cmd_status, "thumbnail": cmd_thumbnail,
            "contact-sheet": cmd_contact_sheet}


@stop_on_signals()
def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    try:
        from production.probe import require_tools

        cfg = load_config()
        settings = _settings(args, cfg)
        if args.command != "status":
            check_media(MEDIA)
        require_tools()
        require_font()
        COMMANDS[args.command](args, cfg, settings)
    except RenderError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {os_error_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        stopped = stop_signal(exc)
        print(f"\ninterrupted ({stopped.name}): workers stopped, finished files from earlier runs are unchanged",
              file=sys.stderr)
        return 128 + stopped
    print(f"({args.command} took {fmt_clock(time.monotonic() - started)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

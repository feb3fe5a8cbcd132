"""Command line of the production pipeline (``python -m production.cli`` or ``mle2map``).

``video`` renders every chapter that exists (in parallel, cached) and assembles the YouTube package in
media/final/<quality>-<theme>/ (see production/packaging/package.py); ``render`` only renders; ``status`` lists
chapters and their cache state; ``thumbnail`` and ``contact-sheet`` make the pictures. ``--story FILE`` tells another
story (its renders and packages kept apart: media/render/<story-slug>/, media/final/<quality>-<theme>-<story-slug>/).
Each command is a module of production/commands/ with the same ``run(args, cfg, settings, media)``. Before any of
them, every check of production/commands/check.py runs and all problems are listed at once (exit 2); ``check`` runs
only those.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from production.commands import contact_sheet, render, status, thumbnail, video
from production.commands.check import preflight, report
from production.config import MEDIA, VideoConfig, os_error_message
from production.quality import PRESETS
from production.rendering.renderer import (
    RenderError,
    RenderSettings,
    fmt_clock,
    stop_on_signals,
    stop_signal,
    story_environment,
)
from scenes.voice import VOICES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mle2map", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("video", "render all chapters and assemble media/final/"),
                            ("render", "render the chapters only (cached)"),
                            ("status", "list the chapters: present, missing, cached"),
                            ("check", "run every check a render makes (configuration, voice, tools, font, narration, "
                                      "story), without rendering"),
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
        p.add_argument("--story", metavar="FILE", help="the story file to tell, e.g. "
                       "examples/hours-studied/story.toml (default: $MLE2MAP_STORY, else stories/house-prices/"
                       "story.toml)")
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace, VideoConfig, RenderSettings, Path], None]] = {
    "video": video.run, "render": render.run, "status": status.run, "thumbnail": thumbnail.run,
    "contact-sheet": contact_sheet.run,
}


@stop_on_signals()
def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with story_environment(args.story):  # the checks, the keys and the workers all read this story
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    try:
        found = preflight(args, MEDIA, media_needed=args.command != "status")
        if args.command == "check":
            print(report(found))
            print("problems found: fix them and run again" if found.problems
                  else "everything a render needs is in place")
            return 2 if found.problems else 0
        if found.problems:
            for problem in found.problems:
                print(f"error: {problem}", file=sys.stderr)
            return 2
        COMMANDS[args.command](args, found.cfg, found.settings, MEDIA)
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

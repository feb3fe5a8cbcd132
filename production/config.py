"""Loading and validating video.toml, the project's configuration, and the output folder it renders into."""

from __future__ import annotations

import difflib
import errno
import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from production.youtube.checks import (
    DESCRIPTION_MAX_BYTES,
    TAGS_MAX_CHARS,
    TITLE_MAX_CHARS,
    forbidden_problems,
    tags_problems,
    title_problems,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "video.toml"
MEDIA_ENV = "MLE2MAP_MEDIA"

PRIVACY = ("private", "unlisted", "public")
QUALITIES = ("preview", "hd", "4k")
THEMES = ("dark", "light")
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CATEGORY = re.compile(r"^[0-9]{1,4}$")
WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOTDIR, errno.EISDIR,
                errno.EEXIST}


def _media_from_env() -> Path:
    raw = os.environ.get(MEDIA_ENV, "").strip()
    if not raw:
        return ROOT / "media"
    path = Path(raw).expanduser()
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop; check_media reports the folder as unusable
        return path.absolute()


#: Output folder; $MLE2MAP_MEDIA (any writable folder, e.g. the benchmark's scratch runs) moves it.
MEDIA = _media_from_env()
FINAL = MEDIA / "final"


def display_path(path: Path | str) -> str:
    """A path for messages: relative to the repository when inside it, else absolute."""
    path = Path(path)
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def write_hint(exc: OSError) -> str:
    """What to do about an OSError met while writing output."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some disk space and run again"
    if os.environ.get(MEDIA_ENV, "").strip():
        return f"point {MEDIA_ENV} at a writable folder, or unset it to use media/"
    return f"make it writable, or set {MEDIA_ENV} to a writable folder"


def os_error_message(exc: OSError) -> str:
    """One line for an OSError the user can fix: the path, the reason and what to do."""
    name = exc.filename
    where = display_path(os.fsdecode(name)) if isinstance(name, str | bytes | os.PathLike) else "a file"
    reason = exc.strerror or str(exc)
    if exc.errno in WRITE_ERRORS:
        return f"cannot write {where}: {reason}; {write_hint(exc)}"
    return f"cannot use {where}: {reason}; check that it exists and that you may read it"


def check_media(media: Path | None = None) -> Path:
    """Create the output folder if needed and prove a file can be written in it; ValueError naming it if not."""
    media = MEDIA if media is None else media
    if ROOT.is_relative_to(media):
        raise ValueError(f"the media folder {media} is the repository or contains it; "
                         f"point {MEDIA_ENV} at a folder of its own")
    try:
        media.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=media, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"cannot write the media folder {display_path(media)}: "
                         f"{exc.strerror or exc}; {write_hint(exc)}") from None
    return media


@dataclass(frozen=True)
class VideoConfig:
    title: str
    slug: str
    summary: str
    credits: str
    tags: tuple[str, ...]
    language: str
    category_id: str
    privacy: str
    made_for_kids: bool
    quality: str
    voice: str
    theme: str
    voice_model: str = ""

    def summary_for(self, story_name: str) -> str:
        """The summary with ``{story}`` replaced by the story's ``[line] name`` ("house prices")."""
        return self.summary.replace(STORY_PLACEHOLDER, story_name)


@dataclass(frozen=True)
class Key:
    """One key of video.toml: its TOML type, whether it must be there, and an optional check of its value."""

    kind: type
    required: bool = True
    check: Callable[[object], str | None] | None = None


def _one_of(allowed: tuple[str, ...]) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if value in allowed else f"is not one of {', '.join(allowed)}; pick one"
    return check


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if regex.match(str(value).strip()) else what
    return check


def _youtube(problems: Callable[[str], list[str]], rule: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        found = problems(str(value).strip())
        return f"breaks YouTube's limits: {found[0]}; {rule}" if found else None
    return check


def _check_name(value: object) -> str | None:
    return None if str(value).strip() else "is empty; name one (see the comment next to it)"


def _check_slug(value: object) -> str | None:
    slug = str(value).strip()
    if SLUG.match(slug) and ".." not in slug:
        return None
    return ("is not a safe file name; use 1 to 64 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit and without '..'")


def _check_tags(value: object) -> str | None:
    tags = value if isinstance(value, list) else []
    if not all(isinstance(t, str) and t.strip() for t in tags):
        return "must hold only non-empty strings; write each tag in quotes and drop empty ones"
    found = tags_problems([t.strip() for t in tags])
    if found:
        return (f"break YouTube's limits: {found[0]}; keep them to {TAGS_MAX_CHARS} characters in all, "
                "with no ',' '<' or '>' inside a tag")
    return None


_TEXT_RULE = "remove '<' and '>', YouTube refuses them in the description"
#: Where the summary names the story told ([line] name of the story file).
STORY_PLACEHOLDER = "{story}"


def _check_summary(value: object) -> str | None:
    problem = _youtube(lambda s: forbidden_problems("summary", s), _TEXT_RULE)(value)
    if problem:
        return problem
    rest = str(value).replace(STORY_PLACEHOLDER, "")
    if "{" in rest or "}" in rest:
        return (f"has braces other than {STORY_PLACEHOLDER} (replaced by the story's [line] name); "
                "write the summary without other braces")
    return None

#: Every section and key video.toml may hold; anything else is an error.
SCHEMA: dict[str, dict[str, Key]] = {
    "video": {
        "title": Key(str, check=_youtube(title_problems, f"use 1 to {TITLE_MAX_CHARS} characters, no '<' or '>'")),
        "slug": Key(str, check=_check_slug),
        "summary": Key(str, check=_check_summary),
        "credits": Key(str, check=_youtube(lambda s: forbidden_problems("credits", s), _TEXT_RULE)),
        "tags": Key(list, check=_check_tags),
        "language": Key(str, check=_pattern(LANGUAGE, "is not a language code; use one such as 'en' or 'en-GB'")),
    },
    "youtube": {
        "category_id": Key(str, check=_pattern(CATEGORY, "is not a YouTube category id; use digits, e.g. \"27\"")),
        "privacy": Key(str, check=_one_of(PRIVACY)),
        "made_for_kids": Key(bool),
    },
    "render": {
        "quality": Key(str, check=_one_of(QUALITIES)),
        "voice": Key(str, check=_check_name),
        "voice_model": Key(str, required=False),
        "theme": Key(str, check=_one_of(THEMES)),
    },
}

TOML_TYPES = {str: "a string; put it in double quotes", bool: "true or false, without quotes",
              list: 'an array of strings such as ["a", "b"]'}


def _show(value: object, limit: int = 72) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _suggest(name: str, choices: list[str], quote: Callable[[str], str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"did you mean {quote(close[0])}?" if close else f"remove it (valid: {', '.join(quote(c) for c in choices)})"


def _check_structure(data: dict, where: str) -> None:
    for section, table in data.items():
        if section not in SCHEMA:
            if not isinstance(table, dict):
                home = next((s for s, keys in SCHEMA.items() if section in keys), None)
                fix = f"move it into [{home}]" if home else _suggest(section, list(SCHEMA), lambda s: f"[{s}]")
                raise ValueError(f"{where}: unknown top-level key {section} = {_show(table)}; {fix}")
            hint = _suggest(section, list(SCHEMA), lambda s: f"[{s}]")
            raise ValueError(f"{where}: unknown section [{section}]; {hint}")
        if not isinstance(table, dict):
            raise ValueError(f"{where}: {section} = {_show(table)} must be a [{section}] section")
        for key in table:
            if key not in SCHEMA[section]:
                home = next((s for s, keys in SCHEMA.items() if key in keys and s != section), None)
                fix = f"it belongs in [{home}]" if home else _suggest(key, list(SCHEMA[section]), repr)
                raise ValueError(f"{where}: unknown key [{section}] {key}; {fix}")


def _value(data: dict, section: str, name: str, where: str):
    spec, table = SCHEMA[section][name], data.get(section, {})
    if name not in table:
        if spec.required:
            raise ValueError(f"{where}: [{section}] is missing {name}; add {name} = ... to the [{section}] section "
                             "(the comments in the repository's video.toml show the values)")
        return spec.kind()
    value = table[name]
    if not isinstance(value, spec.kind):
        raise ValueError(f"{where}: [{section}] {name} = {_show(value)} must be {TOML_TYPES[spec.kind]}")
    problem = spec.check(value) if spec.check else None
    if problem:
        raise ValueError(f"{where}: [{section}] {name} = {_show(value)} {problem}")
    return value


def _check_description(cfg: VideoConfig, where: str) -> None:
    """Title, summary and credits go into the description; the chapter list is added when assembling."""
    size = len("\n\n".join((cfg.title, cfg.summary, cfg.credits)).encode("utf-8"))
    if size > DESCRIPTION_MAX_BYTES:
        raise ValueError(f"{where}: [video] title, summary and credits make a description of {size} bytes before "
                         f"the chapter list, over YouTube's {DESCRIPTION_MAX_BYTES}; shorten the summary or credits")


def load_config(path: Path | None = None) -> VideoConfig:
    """Read and validate the configuration (default CONFIG_PATH); a ValueError names the file, key and fix."""
    path = CONFIG_PATH if path is None else Path(path)
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"configuration file {where} not found; create it (see README, 'Configuration')") from None
    except UnicodeDecodeError:
        raise ValueError(f"{where} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ValueError(f"cannot read {where}: {exc.strerror or exc}; check the path and its permissions") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where} is not valid TOML: {exc}; fix the syntax there") from None
    _check_structure(data, where)
    for section in SCHEMA:
        if section not in data:
            keys = ", ".join(k for k, spec in SCHEMA[section].items() if spec.required)
            raise ValueError(f"{where}: section [{section}] is missing; add it with {keys}")

    def get(section: str, name: str):
        return _value(data, section, name, where)

    cfg = VideoConfig(
        title=get("video", "title").strip(),
        slug=get("video", "slug").strip(),
        summary=" ".join(get("video", "summary").split()),
        credits=get("video", "credits").strip(),
        tags=tuple(t.strip() for t in get("video", "tags")),
        language=get("video", "language").strip(),
        category_id=get("youtube", "category_id").strip(),
        privacy=get("youtube", "privacy"),
        made_for_kids=get("youtube", "made_for_kids"),
        quality=get("render", "quality"),
        voice=get("render", "voice"),
        theme=get("render", "theme"),
        voice_model=get("render", "voice_model").strip(),
    )
    _check_description(cfg, where)
    return cfg

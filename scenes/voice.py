"""Choosing the speech service, and the project's offline espeak-ng service.

MLE2MAP_VOICE (set by the CLI's ``--voice``, default ``espeak``) selects the service: ``espeak``
(offline, no account), ``none`` (silent, timed from the text), or one of manim-voiceover's services
(``gtts``, ``azure``, ``openai``, ``elevenlabs``, ``recorder``). ``check_voice`` validates the choice up
front: a cloud service without its key or its optional packages fails before any frame is rendered.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from manim_voiceover.helper import remove_bookmarks
from manim_voiceover.services.base import SpeechService, initialize_speech_service
from slugify import slugify

VOICE_ENV = "MLE2MAP_VOICE"
DEFAULT_VOICE = "espeak"


class VoiceSetupError(RuntimeError):
    """The selected speech service cannot run here (missing tool, package, key or network)."""


@dataclass(frozen=True)
class CloudVoice:
    """One of manim-voiceover's own services and what it needs to run."""

    module: str  # under manim_voiceover.services
    cls: str
    extra: str  # pip extra of manim-voiceover that installs its packages
    packages: tuple[str, ...]  # importable modules the service needs
    env: tuple[str, ...] = ()  # environment variables it reads (all required)
    options: tuple[tuple[str, object], ...] = ()  # constructor arguments
    hint: str = ""  # said when the service fails while synthesising


# Whisper transcription (only needed for bookmarks, which the beats do not use) is switched off so the
# services need no extra model download.
SERVICES: dict[str, CloudVoice] = {
    "gtts": CloudVoice("gtts", "GTTSService", "gtts", ("gtts",),
                       hint="gTTS needs network access to Google Translate; check the connection, "
                            "or use --voice espeak (offline)."),
    "azure": CloudVoice("azure", "AzureService", "azure", ("azure.cognitiveservices.speech",),
                        ("AZURE_SUBSCRIPTION_KEY", "AZURE_SERVICE_REGION"),
                        hint="Azure needs network access and a valid key and region."),
    "openai": CloudVoice("openai", "OpenAIService", "openai", ("openai",), ("OPENAI_API_KEY",),
                         (("transcription_model", None),), hint="OpenAI needs network access and a valid key."),
    "elevenlabs": CloudVoice("elevenlabs", "ElevenLabsService", "elevenlabs", ("elevenlabs",), ("ELEVEN_API_KEY",),
                             (("transcription_model", None),),
                             hint="ElevenLabs needs network access and a valid key."),
    "recorder": CloudVoice("recorder", "RecorderService", "recorder", ("pyaudio", "pynput"),
                           options=(("transcription_model", None),),
                           hint="The recorder needs a microphone and an interactive terminal."),
}
VOICES: tuple[str, ...] = ("espeak", "none", *SERVICES)


def voice_name() -> str:
    """The service named by MLE2MAP_VOICE, normalised (``espeak`` when unset)."""
    return os.environ.get(VOICE_ENV, DEFAULT_VOICE).strip().lower() or DEFAULT_VOICE


def _missing_tools(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _load_dotenv() -> None:
    """Read a .env file the way manim-voiceover's services do, so the key check sees the same variables."""
    from dotenv import find_dotenv, load_dotenv

    load_dotenv(find_dotenv(usecwd=True))


def check_voice(name: str | None = None) -> str:
    """Validate a voice choice (default: MLE2MAP_VOICE) and return its normalised name.

    Raises ValueError for an unknown name and VoiceSetupError naming what is missing: a Debian tool,
    an environment variable with the service's key, or the pip extra with its Python packages.
    """
    voice = voice_name() if name is None else name.strip().lower()
    if voice not in VOICES:
        raise ValueError(f"voice ({VOICE_ENV} / --voice) must be one of {', '.join(VOICES)}; got {voice!r}")
    if voice == "none":
        return voice
    if voice == "espeak":
        missing = _missing_tools("espeak-ng", "ffmpeg")
        if missing:
            raise VoiceSetupError(f"the espeak voice needs {' and '.join(missing)}: run `make setup` "
                                  f"(or `sudo apt-get install {' '.join(missing)}`), or render with --no-voice")
        return voice
    spec = SERVICES[voice]
    problems: list[str] = []
    if spec.env:
        _load_dotenv()
        unset = [var for var in spec.env if not os.environ.get(var, "").strip()]
        if unset:
            problems.append(f"set the environment variable{'s' if len(unset) > 1 else ''} {' and '.join(unset)} "
                            "(in the shell or in a .env file)")
    absent = [pkg for pkg in spec.packages if not _module_available(pkg)]
    if absent:
        problems.append(f"install its Python packages ({', '.join(absent)}): "
                        f".venv/bin/pip install \"manim-voiceover[{spec.extra}]\"")
    if voice == "recorder" and not sys.stdin.isatty():
        problems.append("run it from an interactive terminal (it records your microphone beat by beat)")
    if problems:
        raise VoiceSetupError(f"the {voice} voice cannot start: " + "; ".join(problems)
                              + ". Or use --voice espeak (offline) or --no-voice.")
    return voice


@contextmanager
def _cache_lock(cache_dir: Path) -> Iterator[None]:
    """Serialise manim-voiceover's read-modify-write of cache.json across parallel chapter renders."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _guarded(base: type[SpeechService], name: str, hint: str) -> type[SpeechService]:
    """``base`` with a process-safe cache and failures reported with what to check."""

    class Guarded(base):  # type: ignore[misc, valid-type]
        def _wrap_generate_from_text(self, text: str, **kwargs: object) -> dict:
            with _cache_lock(Path(self.cache_dir)):
                try:
                    return super()._wrap_generate_from_text(text, **kwargs)
                except Exception as exc:
                    raise VoiceSetupError(f"the {name} voice failed on {text[:48]!r}...: {exc}. {hint}") from exc

    Guarded.__name__ = Guarded.__qualname__ = base.__name__
    return Guarded


def _run(cmd: list[str], what: str, stdin: bytes | None = None) -> None:
    try:
        subprocess.run(cmd, input=stdin, check=True, capture_output=True)
    except FileNotFoundError:
        raise VoiceSetupError(f"{cmd[0]} is not installed: run `make setup` (needed to {what})") from None
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip()[-400:]
        raise VoiceSetupError(f"{cmd[0]} failed to {what} (exit {exc.returncode}): {detail}") from None


def wav_duration(path: Path) -> float:
    """Length in seconds of a PCM WAV file."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


class EspeakService(SpeechService):
    """Offline speech with espeak-ng, written as 48 kHz mono WAV and cached by text and voice settings.

    The file name carries a hash of the text, the voice settings and the espeak-ng version, so a change
    to any of them makes new audio and unchanged beats are reused. Each file is written under a temporary
    name and renamed when complete, so parallel renders and interrupted runs never see half a file.
    """

    def __init__(self, voice: str = "en-us+m3", words_per_minute: int = 160, pitch: int = 45,
                 **kwargs: object) -> None:
        if not 80 <= int(words_per_minute) <= 450:
            raise ValueError(f"words_per_minute must be in 80..450 (espeak-ng's range), got {words_per_minute}")
        if not 0 <= int(pitch) <= 99:
            raise ValueError(f"pitch must be in 0..99, got {pitch}")
        missing = _missing_tools("espeak-ng", "ffmpeg")
        if missing:
            raise VoiceSetupError(f"the espeak voice needs {' and '.join(missing)}: run `make setup` "
                                  f"(or `sudo apt-get install {' '.join(missing)}`), or render with --no-voice")
        initialize_speech_service(self, kwargs)
        self.voice, self.wpm, self.pitch = voice, int(words_per_minute), int(pitch)
        version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=False)
        self.engine = version.stdout.split("Data at")[0].strip()

    def settings(self) -> dict[str, object]:
        return {"voice": self.voice, "wpm": self.wpm, "pitch": self.pitch, "engine": self.engine,
                "format": "wav-48000-mono-s16"}

    def audio_name(self, spoken: str) -> str:
        """Cache file name: readable slug plus a hash of everything that shapes the audio."""
        key = json.dumps({"text": spoken, **self.settings()}, sort_keys=True)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        return f"espeak-{slugify(spoken, max_length=40, word_boundary=True)}-{digest}.wav"

    def generate_from_text(self, text: str, cache_dir: object = None, path: object = None,
                           **kwargs: object) -> dict:
        folder = Path(str(cache_dir or self.cache_dir))
        spoken = " ".join(remove_bookmarks(text).split())
        if not spoken:
            raise ValueError("text must contain words to speak, got an empty narration")
        name = str(path) if path else self.audio_name(spoken)
        target = folder / name
        if not target.is_file():
            self.synthesise(spoken, target)
        return {"input_text": text, "input_data": {"input_text": spoken, "service": "espeak-ng",
                                                   "config": self.settings()},
                "original_audio": name, "final_audio": name}

    def _wrap_generate_from_text(self, text: str, **kwargs: object) -> dict:
        """Skip manim-voiceover's shared cache.json: the file name is the cache key (safe in parallel)."""
        if self.global_speed != 1:
            raise ValueError("global_speed is not supported by the espeak voice; set words_per_minute instead")
        return self.generate_from_text(" ".join(text.split()), path=kwargs.get("path"))

    def synthesise(self, spoken: str, target: Path) -> None:
        """espeak-ng to a temporary WAV, ffmpeg to 48 kHz mono 16-bit, then an atomic rename."""
        target.parent.mkdir(parents=True, exist_ok=True)
        raw_fd, raw = tempfile.mkstemp(prefix=".espeak-", suffix=".wav", dir=target.parent)
        out_fd, out = tempfile.mkstemp(prefix=".espeak-48k-", suffix=".wav", dir=target.parent)
        os.close(raw_fd)
        os.close(out_fd)
        try:
            _run(["espeak-ng", "-v", self.voice, "-s", str(self.wpm), "-p", str(self.pitch), "-b", "1",
                  "-w", raw, "--stdin"], "synthesise speech", stdin=spoken.encode("utf-8"))
            _run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", raw, "-ac", "1", "-ar", "48000",
                  "-c:a", "pcm_s16le", out], "convert the speech to 48 kHz WAV")
            if wav_duration(Path(out)) <= 0:
                raise VoiceSetupError(f"espeak-ng produced no audio for {spoken[:48]!r}")
            os.chmod(out, 0o644)
            os.replace(out, target)
        finally:
            for leftover in (raw, out):
                Path(leftover).unlink(missing_ok=True)


def make_service(name: str | None = None) -> SpeechService | None:
    """The configured speech service (default: MLE2MAP_VOICE), or None for silent, text-timed rendering."""
    voice = check_voice(name)
    if voice == "none":
        return None
    if voice == "espeak":
        return EspeakService()
    spec = SERVICES[voice]
    module = importlib.import_module(f"manim_voiceover.services.{spec.module}")
    service_cls = _guarded(getattr(module, spec.cls), voice, spec.hint)
    try:
        return service_cls(**dict(spec.options))
    except Exception as exc:
        raise VoiceSetupError(f"the {voice} voice could not start: {exc}. {spec.hint}") from exc

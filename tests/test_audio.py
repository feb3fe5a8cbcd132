"""Loudness: -14 LUFS by one measurement, a gain and a peak limiter; true peak under -1 dBTP; AAC-LC 48 kHz mono;
silence stays silent."""

from __future__ import annotations

import json
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from production.packaging.audio import AAC_ARGS, LIMIT_DBFS, loudness_filter, measure_loudness, normalise_audio

SPEECH = ("Shrink sigma and the bell becomes tall and thin. Widen it and the bell flattens out, "
          "until nearly every slope looks equally plausible.")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Path:
    """About seven seconds of mono espeak speech at 22.05 kHz."""
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(path), SPEECH], check=True)
    return path


def audio_stream(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    streams = json.loads(out)["streams"]
    assert len(streams) == 1
    return streams[0]


@pytest.mark.parametrize("gain_db", [-18.0, 12.0])
def test_quiet_and_loud_speech_end_at_minus_14_lufs(speech, tmp_path, gain_db):
    src = tmp_path / "src.wav"
    ffmpeg("-i", str(speech), "-af", f"volume={gain_db}dB", "-c:a", "pcm_f32le", str(src))
    before = measure_loudness(src)
    out = tmp_path / "out.m4a"
    normalise_audio(src, out)
    stream = audio_stream(out)
    assert (stream["codec_name"], stream["profile"], stream["sample_rate"], stream["channels"]) == \
        ("aac", "LC", "48000", 1)
    after = measure_loudness(out)
    assert abs(after["integrated_lufs"] + 14.0) <= 1.0, (before, after)
    assert after["true_peak_dbtp"] <= -1.0, after
    assert abs(before["integrated_lufs"] - (-14.0)) > 3.0  # the test input really needed correcting


def test_filter_is_the_measured_gain_then_a_limiter(speech):
    af = loudness_filter(speech)
    gain = float(re.search(r"volume=(-?[\d.]+)dB", af).group(1))
    independent = measure_loudness(speech)["integrated_lufs"]
    # The measured gain, plus what the limiter takes back where the peaks are held (espeak's peaks are high).
    assert gain >= -14.0 - independent
    assert measure_loudness(speech, af)["integrated_lufs"] == pytest.approx(-14.0, abs=0.3)
    limit = float(re.search(r"alimiter=limit=([\d.]+)", af).group(1))
    assert 20 * np.log10(limit) == pytest.approx(LIMIT_DBFS, abs=0.01)
    assert "latency=true" in af  # the limiter's look-ahead must not shift the voice against the picture


def test_limiter_keeps_the_voice_in_sync(tmp_path):
    """A tone starting at 1 s still starts at 1 s (within 1 ms) after gain and limiter, and a loud click in it is
    held under the limit."""
    src = tmp_path / "click.wav"
    rate = 48000
    samples = np.zeros(rate * 3, dtype=np.float32)
    samples[rate:] = 0.05 * np.sin(2 * np.pi * 220 * np.arange(rate * 2) / rate)  # speech-level tone from 1 s
    samples[int(1.5 * rate)] = 0.99  # a peak the limiter must catch
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    out = tmp_path / "out.wav"
    ffmpeg("-i", str(src), "-af", loudness_filter(src), "-c:a", "pcm_f32le", str(out))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-f", "f32le", "-ac", "1", "-"],
                         capture_output=True, check=True).stdout
    got = np.frombuffer(raw, dtype="<f4")
    onset = int(np.argmax(np.abs(got) > 0.01))
    assert abs(onset - rate) <= rate // 1000
    assert np.max(np.abs(got)) <= 10 ** (LIMIT_DBFS / 20) + 1e-3


def test_silence_is_left_alone(tmp_path):
    silent = tmp_path / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "4", str(silent))
    af = loudness_filter(silent)
    assert "alimiter" not in af and "volume" not in af
    out = tmp_path / "silence.m4a"
    ffmpeg("-i", str(silent), "-af", af, *AAC_ARGS, str(out))
    assert audio_stream(out)["channels"] == 1
    assert measure_loudness(out)["true_peak_dbtp"] == float("-inf")


def test_missing_or_audio_less_input_is_refused(tmp_path):
    with pytest.raises(ValueError, match="path"):
        loudness_filter(tmp_path / "nope.wav")
    image = tmp_path / "still.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=16x16", "-frames:v", "1", str(image))
    with pytest.raises(ValueError, match="path"):
        measure_loudness(image)

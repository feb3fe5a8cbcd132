"""Loudness normalisation: -14 LUFS, true peak under -1 dBTP, AAC-LC 48 kHz stereo; silence stays silent."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from production.audio import AAC_ARGS, loudnorm_filter, loudnorm_measure, measure_loudness, normalise_audio

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
        ("aac", "LC", "48000", 2)
    after = measure_loudness(out)
    assert abs(after["integrated_lufs"] + 14.0) <= 1.0, (before, after)
    assert after["true_peak_dbtp"] <= -1.0, after
    assert abs(before["integrated_lufs"] - (-14.0)) > 3.0  # the test input really needed correcting


def test_filter_carries_the_first_pass_measurement(speech):
    af = loudnorm_filter(speech)
    params = dict(kv.split("=", 1) for kv in re.search(r"loudnorm=([^,]+)", af).group(1).split(":"))
    assert (params["I"], params["TP"], params["LRA"], params["linear"]) == ("-14", "-1.5", "11", "true")
    independent = measure_loudness(speech)["integrated_lufs"]  # ebur128 meter, not loudnorm
    assert abs(float(params["measured_I"]) - independent) < 0.5
    assert float(params["measured_I"]) == pytest.approx(loudnorm_measure(speech)["input_i"], abs=0.01)


def test_silence_is_left_alone(tmp_path):
    silent = tmp_path / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "4", str(silent))
    af = loudnorm_filter(silent)
    assert "loudnorm" not in af and "volume" not in af
    out = tmp_path / "silence.m4a"
    ffmpeg("-i", str(silent), "-af", af, *AAC_ARGS, str(out))
    assert audio_stream(out)["channels"] == 2
    assert measure_loudness(out)["true_peak_dbtp"] == float("-inf")


def test_missing_or_audio_less_input_is_refused(tmp_path):
    with pytest.raises(ValueError, match="path"):
        loudnorm_filter(tmp_path / "nope.wav")
    image = tmp_path / "still.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=16x16", "-frames:v", "1", str(image))
    with pytest.raises(ValueError, match="path"):
        measure_loudness(image)

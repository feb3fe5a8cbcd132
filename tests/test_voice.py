"""Speech services: espeak-ng makes real cached audio, voiced chapters last their narration, bad setups fail clearly."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import srt
from manim import tempconfig
from manim_voiceover.services.base import SpeechService

from scenes import voice
from scenes.base import ChapterScene
from scenes.narration import estimated_duration, load_script
from scenes.piper_voice import PiperService
from scenes.segments import sentences, split
from scenes.voice import EspeakService, VoiceSetupError, check_voice, make_service, wav_duration
from tests.fixtures.voice_scene import VoiceFixtureScene


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def mean_volume_db(path: Path) -> float:
    err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "volumedetect", "-f", "null",
                          "-"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"mean_volume:\s*(-?[\d.]+|-inf) dB", err).group(1))


def render(cls: type[ChapterScene], tmp: Path, voice_name: str, monkeypatch) -> tuple[Path, Path]:
    """Render ``cls`` to a tiny movie with the given voice; return (video, its subtitle file)."""
    monkeypatch.setenv("MLE2MAP_VOICE", voice_name)
    with tempconfig({"pixel_width": 192, "pixel_height": 108, "frame_rate": 10, "media_dir": str(tmp),
                     "disable_caching": True, "write_to_movie": True, "dry_run": False, "verbosity": "ERROR",
                     "progress_bar": "none", "output_file": str(tmp / cls.__name__)}):
        scene = cls()
        scene.render()
        video = Path(scene.renderer.file_writer.movie_file_path)
    return video, video.with_suffix(".srt")


@pytest.fixture(scope="module")
def espeak(tmp_path_factory) -> EspeakService:
    return EspeakService(cache_dir=str(tmp_path_factory.mktemp("voice-cache")))


def test_espeak_makes_real_cached_audio(espeak, monkeypatch):
    text = "The prior is a bell curve centred on zero."
    data = espeak.generate_from_text(text)
    audio = Path(espeak.cache_dir) / data["final_audio"]
    info = ffprobe(audio)["streams"][0]
    assert (info["codec_name"], info["sample_rate"], info["channels"]) == ("pcm_s16le", "48000", 1)
    assert 1.0 < wav_duration(audio) < 10.0
    assert mean_volume_db(audio) > -35.0  # speech, not silence
    assert not list(Path(espeak.cache_dir).rglob(".*.wav"))  # no temporary files left behind

    def fail(*args, **kwargs):
        raise AssertionError("cached audio was synthesised again")

    monkeypatch.setattr(espeak, "synthesise", fail)
    assert espeak.generate_from_text(text)["final_audio"] == data["final_audio"]
    assert espeak.generate_from_text("  The prior is a bell\ncurve centred on zero. ")["final_audio"] == \
        data["final_audio"]


def test_cache_key_follows_voice_settings(espeak, tmp_path):
    text = "Widen sigma and the bell flattens out."
    slow = EspeakService(words_per_minute=120, cache_dir=str(tmp_path))
    fast = EspeakService(words_per_minute=240, cache_dir=str(tmp_path))
    names = {s: s.generate_from_text(text)["final_audio"] for s in (espeak, slow, fast)}
    assert len(set(names.values())) == 3
    slow_s = wav_duration(tmp_path / names[slow])
    fast_s = wav_duration(tmp_path / names[fast])
    assert slow_s > 1.5 * fast_s


@pytest.fixture(scope="module")
def piper(tmp_path_factory) -> PiperService:
    return PiperService(cache_dir=str(tmp_path_factory.mktemp("piper-estimate")))


def test_silent_estimate_matches_the_default_voice(piper):
    """Silent previews last about as long as voiced renders, beat by beat (two chapters rich in symbols and
    numbers, and the fixture; make bench reports every beat)."""
    texts = [t for chapter in ("ch05_prior", "ch07_algebra") for t in load_script(chapter).values()]
    texts += list(load_script("voice_fixture", VoiceFixtureScene.narration_dir).values())
    real = [wav_duration(Path(piper.cache_dir) / piper.generate_from_text(t)["final_audio"]) for t in texts]
    guess = [estimated_duration(t) for t in texts]
    assert abs(sum(guess) - sum(real)) / sum(real) < 0.05
    for text, r, g in zip(texts, real, guess, strict=True):
        assert abs(g - r) < max(1.0, 0.2 * r), text


def test_voiced_chapter_lasts_its_narration(tmp_path, monkeypatch, espeak):
    video, subs = render(VoiceFixtureScene, tmp_path, "espeak", monkeypatch)
    probe = ffprobe(video)
    kinds = {s["codec_type"]: s for s in probe["streams"]}
    assert set(kinds) == {"video", "audio"}
    duration = float(probe["format"]["duration"])
    beats = load_script("voice_fixture", VoiceFixtureScene.narration_dir).values()
    spoken = sum(wav_duration(Path(espeak.cache_dir) / espeak.generate_from_text(t)["final_audio"]) for t in beats)
    assert duration >= spoken - 0.1
    assert duration < spoken + 1.0
    assert mean_volume_db(video) > -40.0
    cues = list(srt.parse(subs.read_text(encoding="utf-8")))
    assert cues and all(0 <= c.start.total_seconds() < c.end.total_seconds() <= duration + 0.05 for c in cues)
    words = " ".join(c.content for c in cues).split()
    assert words == " ".join(beats).split()


def test_silent_chapter_is_timed_from_text(tmp_path, monkeypatch):
    video, subs = render(VoiceFixtureScene, tmp_path, "none", monkeypatch)
    probe = ffprobe(video)
    assert [s["codec_type"] for s in probe["streams"]] == ["video"]
    beats = load_script("voice_fixture", VoiceFixtureScene.narration_dir).values()
    expected = sum(estimated_duration(t) for t in beats)
    assert abs(float(probe["format"]["duration"]) - expected) < 0.25
    cues = list(srt.parse(subs.read_text(encoding="utf-8")))
    assert [c.content for c in cues] == [s for t in beats for s in sentences(split(t))]  # one cue a sentence


def test_voice_choice_is_validated(monkeypatch):
    monkeypatch.setenv("MLE2MAP_VOICE", "NONE ")
    assert make_service() is None
    with pytest.raises(ValueError, match=r"must be one of piper, espeak, none, gtts"):
        check_voice("festival")
    with pytest.raises(ValueError, match="words_per_minute must be in 80..450"):
        EspeakService(words_per_minute=20)


@pytest.mark.parametrize(("name", "variables"), [
    ("openai", ["OPENAI_API_KEY"]),
    ("azure", ["AZURE_SUBSCRIPTION_KEY", "AZURE_SERVICE_REGION"]),
    ("elevenlabs", ["ELEVEN_API_KEY"]),
])
def test_cloud_voice_without_key_names_the_variable(name, variables, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env file to find
    for var in variables:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(voice, "_module_available", lambda module: True)
    with pytest.raises(VoiceSetupError) as err:
        make_service(name)
    message = str(err.value)
    assert all(var in message for var in variables)
    assert "pip install" not in message
    monkeypatch.setenv(variables[0], "set")
    if len(variables) > 1:
        with pytest.raises(VoiceSetupError, match=variables[1]):
            check_voice(name)
    else:
        assert check_voice(name) == name


def test_missing_packages_name_the_pip_extra(monkeypatch):
    monkeypatch.setattr(voice, "_module_available", lambda module: False)
    monkeypatch.setenv("OPENAI_API_KEY", "set")
    with pytest.raises(VoiceSetupError, match=re.escape('pip install "manim-voiceover[openai]"')):
        check_voice("openai")
    with pytest.raises(VoiceSetupError, match=r"manim-voiceover\[gtts\]"):
        check_voice("gtts")


def test_missing_espeak_or_ffmpeg_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(VoiceSetupError, match="espeak-ng and ffmpeg"):
        check_voice("espeak")
    with pytest.raises(VoiceSetupError, match="make setup"):
        EspeakService(cache_dir=str(tmp_path))


class FakeCloud(SpeechService):
    """Behaves like manim-voiceover's cloud services: checks the shared cache, else 'downloads' audio."""

    calls = 0
    online = True

    def generate_from_text(self, text, cache_dir=None, path=None, **kwargs):
        input_data = {"input_text": text, "service": "fake"}
        cached = self.get_cached_result(input_data, cache_dir or self.cache_dir)
        if cached is not None:
            return cached
        if not self.online:
            raise ConnectionError("Failed to connect")
        FakeCloud.calls += 1
        name = self.get_audio_basename(input_data) + ".wav"
        subprocess.run(["espeak-ng", "-w", str(Path(self.cache_dir) / name), text], check=True)
        return {"input_text": text, "input_data": input_data, "original_audio": name}


def test_cloud_audio_is_cached_and_network_failures_explained(tmp_path):
    service = voice._guarded(FakeCloud, "gtts", voice.SERVICES["gtts"].hint)(cache_dir=str(tmp_path))
    first = service._wrap_generate_from_text("Hello there.")
    again = service._wrap_generate_from_text("Hello   there.")
    assert FakeCloud.calls == 1 and again["final_audio"] == first["final_audio"]
    FakeCloud.online = False
    with pytest.raises(VoiceSetupError, match="needs network access"):
        service._wrap_generate_from_text("Something new.")


def test_a_voiced_chapter_makes_its_audio_before_the_first_frame_and_then_lets_the_engine_go(tmp_path, monkeypatch):
    """A segmented voice synthesises every missing segment up front and releases its model (Piper's is about
    250 MB), so the frames never share the process with it; the beats then only read the cache."""
    events: list[str] = []

    class Counting(EspeakService):
        def synthesise(self, spoken: str):
            events.append(f"synth:{spoken}")
            return super().synthesise(spoken)

        def release(self) -> None:
            events.append("release")

    original_play = VoiceFixtureScene.play

    def play(self, *args, **kwargs):
        events.append("play")
        return original_play(self, *args, **kwargs)

    monkeypatch.setattr("scenes.base.make_service", lambda: Counting())
    monkeypatch.setattr(VoiceFixtureScene, "play", play)
    render(VoiceFixtureScene, tmp_path, "espeak", monkeypatch)
    beats = load_script("voice_fixture", VoiceFixtureScene.narration_dir).values()
    wanted = {p.spoken for text in beats for p in split(" ".join(text.split()))}
    first_play = events.index("play")
    assert events[first_play - 1] == "release" and events.count("release") == 1
    assert {e.removeprefix("synth:") for e in events[:first_play - 1]} == wanted
    assert not [e for e in events[first_play:] if e.startswith("synth:")]

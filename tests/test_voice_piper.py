"""The default Piper voice: offline audio per segment, bookmarks and captions at the exact segment starts,
the lexicon's words reaching the voice, a cache that makes a second run synthesise nothing, clean joins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt
from manim import tempconfig
from manim_voiceover.tracker import VoiceoverTracker

from scenes import segments as seg
from scenes.chapters import CHAPTERS
from scenes.lexicon import spoken, unspeakable
from scenes.narration import estimated_timeline, load_script
from scenes.piper_voice import PiperModelError, PiperService, bundled_model
from scenes.segmented_voice import RATE, read_wav
from scenes.voice import check_voice
from tests.fixtures.voice_scene import BookmarkFixtureScene, VoiceFixtureScene

MARKED = ('Widen the prior. <bookmark mark="flat"/>The bell flattens out, <bookmark mark="map"/>and the MAP '
          'slides back to the MLE. Done.<bookmark mark="end"/>')


@pytest.fixture(scope="module")
def piper(tmp_path_factory) -> PiperService:
    return PiperService(cache_dir=str(tmp_path_factory.mktemp("piper-cache")))


class _Clock:
    time = 0.0


class _FakeScene:
    renderer = _Clock()


def test_bookmark_time_is_the_start_of_its_segment_in_the_audio(piper):
    data = piper.generate_from_text(MARKED)
    beat = read_wav(Path(piper.cache_dir) / data["final_audio"])
    tracker = VoiceoverTracker(_FakeScene(), data, piper.cache_dir)  # manim-voiceover's own bookmark maths
    pieces = seg.split(MARKED)
    assert [p.marks for p in pieces] == [(), ("flat",), ("map",), ()]
    for piece in pieces[1:3]:
        samples = read_wav(piper.segment_path(piece.spoken))
        at = tracker.bookmark_times[piece.marks[0]] * RATE
        assert abs(at - round(at)) < 0.01  # a whole sample: the time is a boundary, not an interpolation
        at = round(at)
        assert np.array_equal(beat[at:at + samples.size], samples)  # the segment's audio starts right there
        gap = beat[at - int(piece.pause * RATE) + 2:at]
        assert gap.size > 0 and not gap.any()  # preceded by its pause of pure silence
    last = read_wav(piper.segment_path(pieces[-1].spoken))
    end = tracker.bookmark_times["end"]
    assert np.array_equal(beat[round(end * RATE) - last.size:round(end * RATE)], last)  # "end" = after the words
    assert tracker.duration == pytest.approx(beat.size / RATE, abs=1e-3)


def _render(cls, tmp_path: Path, fps: int, piper: PiperService, monkeypatch) -> tuple[object, Path]:
    """Render ``cls`` tiny with the default voice sharing ``piper``'s cache; (scene, its movie file)."""
    monkeypatch.setattr(PiperService, "__init__", _shared_cache_init(piper.cache_dir))
    with tempconfig({"pixel_width": 192, "pixel_height": 108, "frame_rate": fps, "media_dir": str(tmp_path),
                     "disable_caching": True, "write_to_movie": True, "dry_run": False, "verbosity": "ERROR",
                     "progress_bar": "none", "output_file": str(tmp_path / cls.__name__)}):
        scene = cls()
        scene.render()
        return scene, Path(scene.renderer.file_writer.movie_file_path)


def test_scene_waits_until_the_bookmark_and_captions_start_with_each_sentence(tmp_path, monkeypatch, piper):
    monkeypatch.setenv("MLE2MAP_VOICE", "piper")
    _, movie = _render(BookmarkFixtureScene, tmp_path, 30, piper, monkeypatch)
    subs = movie.with_suffix(".srt")
    text = load_script("bookmark_fixture", BookmarkFixtureScene.narration_dir)["marks"]
    data = piper.generate_from_text(text)
    start = BookmarkFixtureScene.reached["beat_start"]
    for mark in ("slide", "turn"):
        expected = start + data["bookmark_times"][mark]
        assert abs(BookmarkFixtureScene.reached[mark] - expected) <= 1 / 30 + 1e-6, mark
    cues = list(srt.parse(subs.read_text(encoding="utf-8")))
    sentence_starts = [start + begin for _, begin, _ in data["sentences"]]
    firsts = {}
    for piece in data["segments"]:
        firsts.setdefault(piece["sentence"], piece["start"])
    assert [begin for _, begin, _ in data["sentences"]] == [firsts[i] for i in sorted(firsts)]
    assert [c.content for c in cues] == seg.sentences(seg.split(text))  # one cue per sentence, as written
    assert "σ = 0.3" in cues[1].content  # the captions keep the written form
    for cue, begin in zip(cues, sentence_starts, strict=True):
        assert abs(cue.start.total_seconds() - begin) < 0.002


def _shared_cache_init(cache_dir: str):
    original = PiperService.__init__

    def init(self, *args, **kwargs):
        kwargs["cache_dir"] = cache_dir
        original(self, *args, **kwargs)

    return init


def test_second_run_synthesises_nothing_and_loads_no_model(piper, tmp_path):
    first = piper.generate_from_text(MARKED)
    again = PiperService(cache_dir=piper.cache_dir)
    second = again.generate_from_text(" ".join(MARKED.split()))
    assert again.synthesised == 0 and again._voice is None
    assert second["final_audio"] == first["final_audio"]
    assert not list(Path(piper.cache_dir).rglob(".*.wav"))  # no temporary files left behind


def test_a_damaged_segment_in_the_cache_is_made_again(piper):
    text = "A short sentence to damage."
    piper.generate_from_text(text)
    path = piper.segment_path(spoken(text))
    path.write_bytes(path.read_bytes()[:200])  # truncated, header intact
    fresh = PiperService(cache_dir=piper.cache_dir)
    fresh.generate_from_text(text)
    assert fresh.synthesised == 1 and read_wav(path).size > RATE // 2


def test_the_voice_is_sent_the_lexicons_words(piper, monkeypatch):
    sent: list[str] = []
    service = PiperService(cache_dir=piper.cache_dir + "-lexicon")
    monkeypatch.setattr(service, "synthesise", lambda text: (sent.append(text) or np.full(RATE // 4, 0.1), RATE))
    service.generate_from_text("Tighten the prior to σ = 0.3. The MAP drops below the MLE, and σn stays. "
                               "Ridge adds λw² and costs O(n³). Lasso is L1.")
    assert sent == ["Tighten the prior to sigma equals zero point three.",
                    "The em ay pee drops below the em el ee, and sigma n stays.",
                    "Ridge adds lambda w squared and costs order n cubed.", "Lasso is L one."]


@pytest.mark.parametrize(("written", "said"), [
    ("$200 per square foot", "two hundred dollars per square foot"),
    ("σ is σn/√λ", "sigma is sigma n over root lambda"),
    ("Pull 1/(2σn²) out front", "Pull one over two sigma n squared out front"),
    ("p(D | w) for yᵢ at w·xᵢ", "p of D given w for y i at w x i"),
    ("ReLUs and 25 points", "ray-loos and twenty five points"),
])
def test_lexicon_rules(written, said):
    assert spoken(written) == said


def test_every_narration_segment_reaches_the_voice_as_plain_words():
    for chapter in CHAPTERS:
        for key, text in load_script(chapter.slug).items():
            for piece in seg.split(text):
                assert not unspeakable(piece.text), (chapter.slug, key, piece.text)
                assert not any(c.isdigit() for c in piece.spoken), (chapter.slug, key, piece.spoken)


def test_joins_have_no_clicks_and_no_clipping(piper):
    data = piper.generate_from_text(MARKED)
    beat = read_wav(Path(piper.cache_dir) / data["final_audio"]).astype(np.int32)
    assert np.abs(beat).max() < 32000
    for s in data["segments"]:
        a, b = round(s["start"] * RATE), round(s["end"] * RATE)
        assert abs(beat[a]) < 100 and abs(beat[b - 1]) < 100  # faded to silence at both ends
        assert np.abs(np.diff(beat[a - 50:a + 50])).max() < 2000  # no step into the segment


def test_silent_estimate_times_the_same_bookmarks():
    timed, length = estimated_timeline(MARKED)
    times = seg.bookmark_times(MARKED, timed)
    assert list(times) == ["flat", "map", "end"]
    assert 0 < times["flat"] < times["map"] < times["end"] < length


def test_missing_model_or_config_is_a_clear_error(tmp_path):
    with pytest.raises(PiperModelError, match="not found"):
        check_voice("piper", model=str(tmp_path / "absent.onnx"))
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"x")
    with pytest.raises(PiperModelError, match=r"voice\.onnx\.json not found"):
        check_voice("piper", model=str(model))
    (tmp_path / "voice.onnx.json").write_text("[]", encoding="utf-8")
    with pytest.raises(PiperModelError, match="not a Piper voice config"):
        check_voice("piper", model=str(model))
    assert check_voice("piper", model="") == "piper"
    assert bundled_model().is_file() and bundled_model().with_suffix(".onnx.json").is_file()


@pytest.mark.parametrize("voice", ["piper", "none"])
def test_cli_refuses_a_missing_voice_model_before_rendering(tmp_path, voice):
    env = {**os.environ, "MLE2MAP_VOICE": voice, "MLE2MAP_MEDIA": str(tmp_path / "media")}
    out = subprocess.run([".venv/bin/python", "-m", "production.cli", "render", "--chapters", "5",
                          "--voice-model", str(tmp_path / "nope.onnx")], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, env=env, timeout=120)
    assert out.returncode == 2
    assert "nope.onnx not found" in out.stderr and "Traceback" not in out.stderr
    assert "Rendering" not in out.stdout


def test_piper_is_the_default_and_narrates_the_fixture(tmp_path, monkeypatch, piper):
    monkeypatch.delenv("MLE2MAP_VOICE", raising=False)
    scene, video = _render(VoiceFixtureScene, tmp_path, 10, piper, monkeypatch)
    assert isinstance(scene.speech_service, PiperService)
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(video)],
                                      capture_output=True, text=True, check=True).stdout)
    assert {s["codec_type"] for s in probe["streams"]} == {"video", "audio"}


WER_SENTENCES = (  # a fixed set from the narration, plain words the recogniser's dictionary knows
    "Six house sales: size in thousands of square feet, price in hundreds of thousands of dollars.",
    "The line runs under every sale, and the pink gaps, the residuals, are all long.",
    "Almost every slope looks equally plausible, so this prior barely has an opinion.",
)


def test_the_default_voice_is_understood_better_than_espeak(piper, tmp_path):
    from production.bench.wer import audio_wer
    from scenes.voice import EspeakService

    espeak = EspeakService(cache_dir=str(tmp_path / "espeak"))
    rates = {}
    for name, service in (("piper", piper), ("espeak", espeak)):
        errors = words = 0
        for text in WER_SENTENCES:
            rate, count = audio_wer(Path(service.cache_dir) / service.generate_from_text(text)["final_audio"], text)
            errors, words = errors + rate * count, words + count
        rates[name] = errors / words
    assert rates["piper"] < rates["espeak"], rates
    assert rates["piper"] < 0.5, rates  # the recogniser follows most of it


def test_resampling_to_48k_keeps_the_waveform():
    from scenes.segmented_voice import _resample

    rate = 22050
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t) * np.hanning(rate)).astype(np.float32)
    out = _resample(tone, rate)
    assert out.size == RATE
    t48 = np.arange(RATE) / RATE
    expected = 0.5 * np.sin(2 * np.pi * 440 * t48) * np.interp(t48, t, np.hanning(rate))
    assert np.abs(out - expected).max() < 1e-4


_RELEASE_PROBE = """
import os, resource, sys
from scenes.piper_voice import PiperService

def resident_mib() -> float:
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def peak_mib() -> float:
    # VmHWM, not ru_maxrss: after exec, ru_maxrss also counts the parent's image this process was forked from
    # (here pytest's, which earlier tests filled with a Piper model).
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024

service = PiperService(cache_dir=sys.argv[1])
before = resident_mib()
made = service.prepare(["The prior pulls the slope towards zero, and the data pull it back.",
                        "A wide prior lets the data speak.", "Sigma n is one point five."])
peak = peak_mib()
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(made, service._voice is None, service.synthesised, before, peak, child, "onnxruntime" in sys.modules)
"""


def test_prepare_synthesises_in_a_child_so_the_model_never_enters_the_renderer(tmp_path):
    """In a fresh interpreter: prepare makes the missing segments in a forked child that loads the model (a few
    hundred MiB), and the process that renders the frames next never holds it: its heap stayed fragmented by
    the model's allocations even after releasing it (cold workers 110-190 MiB above warm ones, #13)."""
    out = subprocess.run([sys.executable, "-c", _RELEASE_PROBE, str(tmp_path)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent, timeout=120).stdout.split()
    made, dropped, counted = int(out[0]), out[1] == "True", int(out[2])
    before, peak, child = (float(v) for v in out[3:6])
    assert made == counted == 3 and dropped
    assert out[6] == "False", "onnxruntime was imported into the rendering process"
    assert child > 150, f"the child that synthesised took only {child:.0f} MiB: did it load the model?"
    assert peak - before < 40, f"the rendering process grew by {peak - before:.0f} MiB while the voice was made"
    assert len(list((tmp_path / "piper").glob("*.wav"))) == 3
    again = PiperService(cache_dir=str(tmp_path))
    assert again.prepare(["A wide prior lets the data speak."]) == 0 and again._voice is None


def test_a_failure_in_the_synthesis_child_is_raised_in_the_renderer():
    from scenes.segmented_voice import in_child

    def no_audio() -> None:
        raise ValueError("the Piper voice produced no audio for 'x'")

    with pytest.raises(ValueError, match="produced no audio"):
        in_child(no_audio)
    with pytest.raises(RuntimeError, match="exit code 3"):
        in_child(lambda: os._exit(3))

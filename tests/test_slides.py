"""The slide deck end to end on chapter 5 at a tiny size: Slide MRO, HTML in headless Chromium (no network), PPTX
with each beat's last frame as its poster, and the PDF handout."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import io
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
from manim_slides import Slide
from manim_slides.config import PresentationConfig
from manim_voiceover import VoiceoverScene
from PIL import Image
from pptx import Presentation
from pptx.shapes.picture import Movie
from pypdf import PdfReader

from production.deck import handout, revealjs, slide_classes
from production.deck.handout import beat_title
from production.deck.slides import SlidesBuild, main, out_dirs, parse_chapters
from production.quality import Quality
from scenes.base import ChapterScene
from scenes.chapters import by_slug
from scenes.narration import load_script
from scenes.segments import plain

CHAPTER = by_slug("ch05_prior")
TINY = Quality("tiny", 256, 144, 8, "veryfast")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HAVE_TOOLS = all(shutil.which(t) for t in ("ffmpeg", "npm"))

# Injected into a copy of the deck: steps through every slide with Reveal.next() and records each slide's
# background video state, then the list of everything the page fetched.
PROBE_JS = """
(function () {
  const out = {slides: [], errors: []};
  window.addEventListener('error', e => out.errors.push(String(e.message)));
  function finish() {
    out.resources = performance.getEntriesByType('resource').map(r => r.name);
    const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  function step(i) {
    const bg = Reveal.getCurrentSlide().slideBackgroundContentElement;
    const video = bg ? bg.querySelector('video') : null;
    const t0 = performance.now();
    (function poll() {
      const ready = video ? video.readyState : -1;
      if (ready >= 2 || (video && video.error) || performance.now() - t0 > 8000) {
        out.slides.push({index: Reveal.getIndices().h, ready: ready, src: video ? video.currentSrc : null,
                         loop: video ? video.loop : null, width: video ? video.videoWidth : 0,
                         notes: Reveal.getSlideNotes()});
        if (i + 1 < out.total) { Reveal.next(); setTimeout(() => step(i + 1), 30); } else { finish(); }
      } else { setTimeout(poll, 30); }
    })();
  }
  Reveal.on('ready', () => { out.total = Reveal.getTotalSlides(); step(0); });
})();
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not HAVE_TOOLS:
        pytest.skip("ffmpeg and npm are needed to build the deck")
    media = tmp_path_factory.mktemp("media")
    report = SlidesBuild(TINY, "dark", media, jobs=1, out=lambda _line: None).run([CHAPTER])
    assert not report.failed, report.failed[0].error
    return report


def test_generated_slide_class_keeps_the_scene(tmp_path):
    path = slide_classes.write_module([CHAPTER], tmp_path / "deck_scenes.py", tmp_path / "slides")
    spec = importlib.util.spec_from_file_location("deck_scenes_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cls = module.PriorSceneSlides
    mro = cls.__mro__
    assert mro.index(Slide) < mro.index(ChapterScene) < mro.index(VoiceoverScene)
    assert cls.skip_reversing is True
    assert slide_classes.missing_reason(CHAPTER) is None


def test_bad_arguments_are_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match="chapter must be one of"):
        parse_chapters("ch99_nothing")
    with pytest.raises(ValueError, match="theme"):
        SlidesBuild(TINY, "sepia", tmp_path)
    with pytest.raises(ValueError, match="jobs"):
        SlidesBuild(TINY, "dark", tmp_path, jobs=-1)
    with pytest.raises(ValueError, match="chapters"):
        slide_classes.write_module([], tmp_path / "m.py", tmp_path)
    assert main(["--chapters", "nope", "--media", str(tmp_path)]) == 2
    assert "chapter must be one of" in capsys.readouterr().err
    assert [c.number for c in parse_chapters("5, 1")] == [1, 5]
    assert out_dirs(tmp_path, "light") == (tmp_path / "slides-light", tmp_path / "clips-light")


def test_a_missing_handout_font_stops_the_build_before_rendering(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(handout.FONTS, "dejavu", {"": tmp_path / "gone.ttf", "B": tmp_path / "gone-bold.ttf"})
    assert main(["--chapters", "5", "--quality", "preview", "--media", str(tmp_path)]) == 2
    assert f"handout font not found: {tmp_path / 'gone.ttf'}" in capsys.readouterr().err
    assert not (tmp_path / "slides_build").exists()


def test_offline_check_flags_cdn_and_missing_files(tmp_path):
    page = tmp_path / "deck.html"
    page.write_text('<html><head><link rel="stylesheet" href="https://cdn.example/reveal.css">'
                    '<script src="reveal.js/dist/reveal.js"></script></head><body>'
                    '<section data-background-video="deck_assets/a.mp4"></section></body></html>')
    problems = revealjs.offline_problems(page)
    assert any(p.startswith("remote: https://cdn.example") for p in problems)
    assert "missing: reveal.js/dist/reveal.js" in problems and "missing: deck_assets/a.mp4" in problems


def test_deck_slides_are_the_beats(built):
    beats = list(load_script(CHAPTER.slug))
    assert built.deck.slides == len(beats)
    assert built.deck.html.parent == built.deck_dir
    assert revealjs.offline_problems(built.deck.html) == []
    html = built.deck.html.read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    assert len(re.findall(r"data-background-video=", html)) == len(beats)
    videos = sorted((built.deck_dir / "deck_assets").glob("*.mp4"))
    assert [v.stem for v in videos] == [f"{i + 1:02d}_{b}" for i, b in enumerate(beats)]


def test_pptx_has_one_video_slide_per_beat_with_notes(built):
    script = load_script(CHAPTER.slug)
    deck = Presentation(str(built.deck.pptx))
    assert len(deck.slides) == len(script)
    for slide, text in zip(deck.slides, script.values(), strict=True):
        rels = [r for r in slide.part.rels.values() if r.reltype.endswith(("/video", "/media"))]
        assert rels, "each slide embeds its beat's video"
        assert all(r.target_part.content_type == "video/mp4" for r in rels)
        assert slide.notes_slide.notes_text_frame.text == " ".join(plain(text).split())


def _clip_frames(video: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, TINY.height, TINY.width, 3).astype(int)


def _beat_ends(built) -> list[tuple[str, int]]:
    path = slide_classes.beat_ends_path(next(built.deck_dir.parent.glob("slides_build/dark-*/slides")),
                                      slide_classes.slide_class(CHAPTER))
    return slide_classes.read_beat_ends(path)


def test_pptx_posters_are_each_beats_last_frame(built):
    """Slides end where their beat's narration ends; the chapter's closing fade-out is not the last beat's picture."""
    ends = _beat_ends(built)
    assert [key for key, _ in ends] == list(load_script(CHAPTER.slug))
    videos = sorted((built.clips_dir / CHAPTER.slug).glob("*.mp4"))
    deck = Presentation(str(built.deck.pptx))
    for slide, video, (_, count) in zip(deck.slides, videos, ends, strict=True):
        (movie,) = [shape for shape in slide.shapes if isinstance(shape, Movie)]
        poster = np.asarray(Image.open(io.BytesIO(movie.poster_frame.blob)).convert("RGB")).astype(int)
        frames = _clip_frames(video)
        assert np.abs(poster - frames[count - 1]).mean() < 0.5
        assert np.abs(poster - frames[0]).max() > 60, "the beat's result, not its start"
    *_, (_, last_count) = ends
    last = _clip_frames(videos[-1])
    assert last_count < len(last), "chapter 5 fades out after its last beat, inside the last slide"
    spread = [frame.std(axis=(0, 1)).max() for frame in (last[-1], poster)]
    assert spread[0] < 1 < 5 < spread[1], "the slide ends on an empty frame; the poster shows the picture"


def test_handout_has_a_page_per_beat_with_its_poster(built):
    script = load_script(CHAPTER.slug)
    assert built.deck.handout == built.deck_dir / "handout.pdf"
    reader = PdfReader(built.deck.handout)
    assert len(reader.pages) == len(script)
    deck = Presentation(str(built.deck.pptx))
    for page, key, slide in zip(reader.pages, script, deck.slides, strict=True):
        text = page.extract_text()
        assert "Chapter 5 · The prior" in text and beat_title(key) in text
        assert " ".join(slide.notes_slide.notes_text_frame.text.split()) in " ".join(text.split())
        (image,) = page.images
        (movie,) = [shape for shape in slide.shapes if isinstance(shape, Movie)]
        poster = np.asarray(Image.open(io.BytesIO(movie.poster_frame.blob)).convert("RGB")).astype(int)
        assert np.abs(np.asarray(image.image.convert("RGB")).astype(int) - poster).max() <= 1


def _serve(directory: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is needed (make sysdeps)")
def test_html_deck_plays_offline_in_chromium(built, tmp_path):
    deck = tmp_path / "deck"
    shutil.copytree(built.deck_dir, deck)
    page = deck / "probe.html"
    page.write_text(built.deck.html.read_text(encoding="utf-8").replace(
        "</body>", f"<script>{PROBE_JS}</script></body>"), encoding="utf-8")
    server = _serve(deck)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/probe.html"
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'ud'}",
             "--autoplay-policy=no-user-gesture-required", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
             "--virtual-time-budget=30000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90).stdout
    finally:
        server.shutdown()
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert match, "the probe never finished: Reveal did not start or a video never loaded"
    state = json.loads(match.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    script = load_script(CHAPTER.slug)
    rendered = next(built.deck_dir.parent.glob("slides_build/dark-*/slides/PriorSceneSlides.json"))
    config = PresentationConfig.from_file(rendered)
    assert state["errors"] == []
    assert state["total"] == len(script)
    assert [s["index"] for s in state["slides"]] == list(range(len(script)))
    for shown, text, slide in zip(state["slides"], script.values(), config.slides, strict=True):
        assert shown["ready"] >= 2 and shown["width"] == TINY.width, shown
        assert shown["src"].startswith("http://127.0.0.1:")
        assert shown["loop"] == slide.loop
        assert " ".join(plain(text).split()) in shown["notes"]
    assert any(s["loop"] for s in state["slides"]), "chapter 5's continuing beat loops"
    assert state["resources"] and all(r.startswith("http://127.0.0.1:") for r in state["resources"])


def test_another_story_gets_its_own_deck_clips_and_build_folders(tmp_path, monkeypatch):
    """``make slides STORY=...``: the renders read the story from $MLE2MAP_STORY and nothing lands in the shipped
    story's folders; the shipped story keeps its paths."""
    from production.config import ROOT
    from production.rendering.renderer import STORY_ENV

    monkeypatch.delenv(STORY_ENV, raising=False)
    example = ROOT / "examples" / "hours-studied" / "story.toml"
    shipped, other = SlidesBuild(TINY, "dark", tmp_path), SlidesBuild(TINY, "light", tmp_path, story=example)
    assert (shipped.deck_dir, shipped.clips_dir) == (tmp_path / "slides", tmp_path / "clips")
    assert (other.deck_dir, other.clips_dir) == (tmp_path / "slides-light-hours-studied",
                                                 tmp_path / "clips-light-hours-studied")
    assert other.build.name.endswith("-hours-studied") and other.build != shipped.build
    assert other.env()[STORY_ENV] == str(example.resolve())
    monkeypatch.setenv(STORY_ENV, str(example))  # $MLE2MAP_STORY is the default, as for make video
    assert SlidesBuild(TINY, "dark", tmp_path).deck_dir == tmp_path / "slides-hours-studied"


def test_a_broken_story_stops_the_slides_before_rendering(tmp_path, capsys):
    from production.config import ROOT

    story = tmp_path / "story.toml"
    shipped = (ROOT / "stories" / "house-prices" / "story.toml").read_text(encoding="utf-8")
    story.write_text(shipped.replace("start = 3.8", "start = -3.8", 1), encoding="utf-8")
    assert main(["--chapters", "5", "--media", str(tmp_path / "media"), "--story", str(story)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: story {story}: [descent] start = -3.8: "), err
    assert main(["--chapters", "5", "--media", str(tmp_path / "media"), "--story", str(tmp_path / "no.toml")]) == 2
    assert "no.toml' does not exist" in capsys.readouterr().err
    assert not (tmp_path / "media").exists()

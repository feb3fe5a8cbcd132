"""The render manifest: a damaged one is set aside and reported, and concurrent runs never lose each other's work."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

import production.cli
import production.rendering.renderer
from production.cli import main
from production.quality import preset
from production.rendering import cache
from production.rendering.jobs import ChapterJob
from production.rendering.renderer import Renderer, RenderSettings

SETTINGS = RenderSettings(preset("preview"), "none")
GOOD = {"key": "k", "frames": 30, "fps": 15.0, "size": 4, "sound": False, "render_seconds": 2.5}
DAMAGE = {
    "garbage bytes": b"\x89PNG\r\n\x1a\n\xff\xfe\x00garbage",
    "not an object": b"[1, 2, 3]",
    "entry of the wrong type": json.dumps({"preview/ch05_prior": "rendered", "preview/other": GOOD}).encode(),
    "entry missing a field": json.dumps({"preview/ch05_prior": {k: v for k, v in GOOD.items() if k != "frames"},
                                         "preview/other": GOOD}).encode(),
    "field of the wrong type": json.dumps({"preview/ch05_prior": {**GOOD, "fps": "fast"},
                                           "preview/other": GOOD}).encode(),
}
WHOLE_FILE = ("garbage bytes", "not an object")


def _chapter(tmp_path: Path, slug: str = "ch05_prior") -> ChapterJob:
    source = tmp_path / f"{slug}.py"
    source.write_text("X = 1\n", encoding="utf-8")
    return ChapterJob(5, slug, "S", slug, slug, source)


def _damaged(media: Path, case: str, key: str) -> Path:
    """A manifest with the ``case`` damage, whose ch05 entry (when it is an object) carries the chapter's real key."""
    manifest = media / "render" / "manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    data = DAMAGE[case]
    if case not in WHOLE_FILE:
        parsed = json.loads(data)
        if isinstance(parsed["preview/ch05_prior"], dict):
            parsed["preview/ch05_prior"]["key"] = key
        data = json.dumps(parsed).encode()
    manifest.write_bytes(data)
    return manifest


def _set_aside(manifest: Path) -> list[Path]:
    return list(manifest.parent.glob("manifest.json.bad-*"))


def _renderer(media: Path, log: list[str]) -> Renderer:
    return Renderer(SETTINGS, media, jobs=1, out=log.append, shared=[])


class _Started(Exception):
    """Raised instead of starting a worker: the chapter was not taken from the cache."""


@pytest.mark.parametrize("case", DAMAGE)
def test_a_damaged_manifest_is_set_aside_reported_and_the_chapter_renders_again(tmp_path, monkeypatch, case):
    media, job = tmp_path / "media", _chapter(tmp_path)
    key = cache.chapter_key(job, SETTINGS.key_payload(), [])
    video = media / "render" / "preview" / "ch05_prior.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"mp4!")  # the size GOOD records
    manifest = media / "render" / "manifest.json"
    manifest.write_text(json.dumps({"preview/ch05_prior": {**GOOD, "key": key}}))
    [render] = _renderer(media, []).render([job])
    assert render.cached and render.frames == 30  # undamaged, the same set-up is a cache hit

    manifest.unlink()
    _damaged(media, case, key)
    original = manifest.read_bytes()

    def start(self, job, key, expected):
        raise _Started(job.slug)

    monkeypatch.setattr(Renderer, "_start", start)
    log: list[str] = []
    with pytest.raises(_Started, match="ch05_prior"):
        _renderer(media, log).render([job])
    assert [line for line in log if str(manifest) in line], log
    [bad] = _set_aside(manifest)
    assert bad.read_bytes() == original and bad.name in "\n".join(log)
    if case in WHOLE_FILE:
        assert not manifest.exists()
    else:
        assert json.loads(manifest.read_text()) == {"preview/other": GOOD}  # the good entries stay


@pytest.mark.parametrize("case", DAMAGE)
def test_status_reports_a_damaged_manifest_and_carries_on(tmp_path, monkeypatch, capsys, case):
    media = tmp_path / "media"
    manifest = _damaged(media, case, "stale key")
    monkeypatch.setattr(production.cli, "MEDIA", media)
    assert main(["status", "--quality", "preview", "--no-voice"]) == 0
    out, err = capsys.readouterr()
    assert str(manifest) in err and "Traceback" not in out + err
    assert "ch05_prior" in out and "not rendered at preview" in out.split("ch05_prior")[1].splitlines()[0]
    assert len(_set_aside(manifest)) == 1


def test_entry_validation_names_the_field():
    assert cache.ManifestEntry.from_dict(GOOD).duration == 2.0
    for bad, message in (({**GOOD, "frames": 0}, "frames must be an integer > 0"),
                         ({**GOOD, "frames": True}, "frames must be an integer > 0"),
                         ({**GOOD, "sound": "yes"}, "sound must be true or false"),
                         ({**GOOD, "render_seconds": None}, "render_seconds must be a number"),
                         ({k: v for k, v in GOOD.items() if k != "key"}, "has no 'key'"),
                         ([GOOD], "is list, not an object")):
        with pytest.raises(ValueError, match=message):
            cache.ManifestEntry.from_dict(bad)


def _update_many(path: str, worker: int, count: int) -> None:
    for i in range(count):
        cache.update_manifest(Path(path), {f"preview/w{worker}-{i}": cache.ManifestEntry.from_dict(GOOD)})


def test_concurrent_updates_from_many_processes_all_survive(tmp_path):
    path = tmp_path / "render" / "manifest.json"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_update_many, args=(str(path), w, 25)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    assert set(json.loads(path.read_text())) == {f"preview/w{w}-{i}" for w in range(6) for i in range(25)}


# A stand-in for production.rendering.worker: writes the chapter's files into --out, each marked with this run's tag,
# after creating ``start`` and once ``go`` exists (so the test decides which run commits first).
_FAKE_WORKER = textwrap.dedent("""
    import json, os, sys, time
    out, slug, tag, sound, start, go = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    open(start, "w").close()
    deadline = time.monotonic() + 20
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.02)
    base = os.path.join(out, slug)
    open(base + ".mp4", "w").write(tag * (100 if tag == "A" else 200))
    open(base + ".srt", "w").write(tag)
    if sound == "1":
        open(base + ".wav", "w").write(tag)
    json.dump({"sound": sound == "1"}, open(os.path.join(out, "result.json"), "w"))
""")


def _run(media: str, source: str, slug: str, tag: str, sound: bool, start: str, go: str,
         pause: tuple[str, str] | None = None) -> None:
    """Render ``slug`` with the fake worker in this (forked) process; ``pause`` = (reached, resume) makes the
    commit stop after moving the subtitles until ``resume`` exists (or 1.5 s pass)."""
    def command(self, job, tmp, work, progress):
        return [sys.executable, "-c", _FAKE_WORKER, str(tmp), job.slug, tag, "1" if sound else "0", start, go]

    Renderer._command = command
    production.rendering.renderer.frame_count_and_rate = lambda video: (10, 10.0)
    if pause is not None:
        replace, (reached, resume) = os.replace, pause

        def slow_replace(src, dst):
            replace(src, dst)
            if str(dst).endswith(".srt"):
                Path(reached).touch()
                for _ in range(75):
                    if Path(resume).exists():
                        break
                    time.sleep(0.02)

        os.replace = slow_replace
    job = ChapterJob(5, slug, "S", slug, slug, Path(source))
    Renderer(SETTINGS, Path(media), jobs=1, out=lambda _: None, shared=[], force=True).render([job])
    Path(f"{start}.done").touch()


def _spawn(ctx, tmp_path: Path, *args, **kwargs):
    proc = ctx.Process(target=_run, args=(str(tmp_path / "media"), str(tmp_path / "chapter.py"), *args),
                       kwargs=kwargs)
    proc.start()
    return proc


@pytest.mark.parametrize("first", ["A", "B"])
def test_two_runs_of_different_chapters_keep_both_entries(tmp_path, first):
    """Both runs read the manifest before either finishes; ``first`` commits first, then the other."""
    (tmp_path / "chapter.py").write_text("X = 1\n")
    ctx = multiprocessing.get_context("fork")
    second = "B" if first == "A" else "A"
    started = {t: str(tmp_path / f"started-{t}") for t in "AB"}
    final = tmp_path / "media" / "render" / "preview"
    go = {first: started[second], second: str(final / f"ch{first}.mp4")}
    procs = [_spawn(ctx, tmp_path, f"ch{t}", t, False, started[t], go[t]) for t in "AB"]
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    entries = cache.Manifest.from_file(tmp_path / "media" / "render" / "manifest.json").chapters
    assert sorted(entries) == ["preview/chA", "preview/chB"]


@pytest.mark.parametrize("first", ["A", "B"])
def test_two_runs_of_the_same_chapter_never_mix_their_files(tmp_path, first):
    """``first`` pauses in the middle of moving its files into place while the other run finishes; whichever
    commits last, the video, subtitles, sound and manifest entry all come from that one run."""
    (tmp_path / "chapter.py").write_text("X = 1\n")
    ctx = multiprocessing.get_context("fork")
    second = "B" if first == "A" else "A"
    flag = {name: str(tmp_path / name) for name in ("started-A", "started-B", "paused", "go")}
    Path(flag["go"]).touch()
    pausing = _spawn(ctx, tmp_path, "ch", first, first == "A", flag[f"started-{first}"], flag["go"],
                     pause=(flag["paused"], flag[f"started-{second}"] + ".done"))
    while not Path(flag["paused"]).exists() and pausing.is_alive():
        time.sleep(0.02)
    other = _spawn(ctx, tmp_path, "ch", second, second == "A", flag[f"started-{second}"], flag["go"])
    for p in (pausing, other):
        p.join(60)
    assert [pausing.exitcode, other.exitcode] == [0, 0]
    final = tmp_path / "media" / "render" / "preview"
    tag = (final / "ch.srt").read_text()
    entry = cache.Manifest.from_file(tmp_path / "media" / "render" / "manifest.json").chapters["preview/ch"]
    assert (final / "ch.mp4").read_text() == tag * (100 if tag == "A" else 200)
    assert (final / "ch.wav").exists() == (tag == "A") == entry.sound
    assert entry.size == (final / "ch.mp4").stat().st_size

"""Chapter cache keys follow the mathcore code each chapter reaches (production/rendering/reach.py).

Every test works on a copy of the project in tmp_path, edits a file there, and compares all ten chapter keys
before and after.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from production.config import ROOT
from production.rendering import cache, reach
from production.rendering.jobs import ChapterJob
from scenes.chapters import CHAPTERS

SETTINGS = {"quality": "preview", "voice": "none", "theme": "dark"}
STORY = "stories/house-prices/story.toml"
SLUGS = [ch.slug for ch in CHAPTERS]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the files chapter keys read: scenes/, mathcore/, production/, stories/ and manim.cfg."""
    ignore = shutil.ignore_patterns("__pycache__")
    for package in ("scenes", "mathcore", "production", "stories"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy2(ROOT / "manim.cfg", tmp_path / "manim.cfg")
    return tmp_path


def _job(root: Path, slug: str, number: int = 0, scene: str = "Scene") -> ChapterJob:
    narration = root / "scenes" / "narration" / f"{slug}.md"
    return ChapterJob(number, slug, scene, slug, f"scenes.{slug}", root / "scenes" / f"{slug}.py",
                      narration if narration.is_file() else None)


def _keys(root: Path) -> dict[str, str]:
    return {ch.slug: cache.chapter_key(_job(root, ch.slug, ch.number, ch.scene), SETTINGS, root=root)
            for ch in CHAPTERS}


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{relative} no longer holds {old!r} exactly once; pick another edit"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [slug for slug in before if before[slug] != after[slug]]


def test_value_only_ch10_uses_rekeys_ch10_alone(root):
    users = [s for s in SLUGS if "ELASTIC_MIX" in (root / "scenes" / f"{s}.py").read_text(encoding="utf-8")]
    assert users == ["ch10_what_it_means"], "the test needs a parameter only ch10 reads"
    before = _keys(root)
    _edit(root, STORY, "elastic_mix = 0.5", "elastic_mix = 0.4")
    assert _changed(before, _keys(root)) == ["ch10_what_it_means"]


def test_function_every_chapter_reaches_rekeys_all(root):
    before = _keys(root)  # gaussian_pdf: scenes/parts.py imports it, and every chapter imports parts
    _edit(root, "mathcore/densities.py", 'return _density(gaussian_logpdf(x, mean, std), "std")',
          'return _density(gaussian_logpdf(x, mean, std), "sd")')
    assert _changed(before, _keys(root)) == SLUGS


def test_a_value_reached_through_a_function_rekeys_its_users(root):
    before = _keys(root)  # W_SAMPLES is read only inside parameters.w_grid's default
    _edit(root, "mathcore/parameters.py", "W_SAMPLES = 601", "W_SAMPLES = 603")
    users = [s for s in SLUGS if "w_grid" in (root / "scenes" / f"{s}.py").read_text(encoding="utf-8")]
    assert users and len(users) < len(SLUGS)
    assert _changed(before, _keys(root)) == users


@pytest.mark.parametrize(("relative", "old", "new"), [
    ("mathcore/likelihood.py", 'f"x, y and w: a residual y - w x', 'f"x, y and w: one residual y - w x'),
    ("mathcore/posterior.py", "def posterior_std(", "def posterior_std_renamed("),
    ("mathcore/sums.py", "return to_float(", "return 0.0 + to_float("),
    ("mathcore/__init__.py", "Pure-numpy math core", "Pure numpy math core"),
    ("scenes/chapters.py", '"Fitting a line"', '"Fitting one line"'),
])
def test_code_no_chapter_reaches_changes_no_key(root, relative, old, new):
    before = _keys(root)
    _edit(root, relative, old, new)
    assert _changed(before, _keys(root)) == []


@pytest.mark.parametrize(("relative", "old", "new"), [
    ("scenes/base.py", "class SilentTracker:", "class SilentTracker:  # edited"),
    ("scenes/narration/__init__.py", "def script_path(", "def script_path(  # edited\n"),
    ("production/rendering/worker.py", "def _write_json(", "def _write_json(  # edited\n"),
    ("production/rendering/stages.py", "from __future__ import annotations", "from __future__ import annotations  # x"),
    ("production/quality.py", "from __future__ import annotations", "from __future__ import annotations  # x"),
    ("manim.cfg", "frame_rate = 60", "frame_rate = 30"),
])
def test_render_base_and_shared_scene_modules_rekey_every_chapter(root, relative, old, new):
    before = _keys(root)
    _edit(root, relative, old, new)
    assert _changed(before, _keys(root)) == SLUGS


def _synthetic(root: Path, slug: str, text: str) -> str:
    (root / "scenes" / f"{slug}.py").write_text(text, encoding="utf-8")
    return cache.chapter_key(_job(root, slug), SETTINGS, root=root)


_STATIC = "from mathcore import parameters as P\n\nNOISE = P.SIGMA_N\n"
_DYNAMIC = {
    "getattr": "from mathcore import parameters as P\n\n\ndef value(name):\n    return getattr(P, name)\n",
    "star": "from mathcore.parameters import *  # noqa: F403\n",
    "passed": "from mathcore import parameters as P\n\n\ndef noise(m):\n    return m.SIGMA_N\n\n\nNOISE = noise(P)\n",
    "assigned": "import mathcore.parameters as P\n\nP.SIGMA_N = 2.0\n",
    "globals": "from mathcore import parameters as P\n\nMODULES = globals()\n",
}


@pytest.mark.parametrize("kind", sorted(_DYNAMIC))
def test_dynamic_use_takes_the_whole_module(root, kind):
    static = _synthetic(root, "chx_static", _STATIC)
    dynamic = _synthetic(root, "chx_dynamic", _DYNAMIC[kind])
    assert "mathcore.parameters" in reach.chapter_reach(root / "scenes" / "chx_dynamic.py", root).whole
    _edit(root, STORY, "steps = 7", "steps = 8")  # [descent] steps: DESCENT_STEPS
    assert _synthetic(root, "chx_static", _STATIC) == static
    assert _synthetic(root, "chx_dynamic", _DYNAMIC[kind]) != dynamic


def test_dynamic_import_of_an_unknown_module_takes_all_of_mathcore(root):
    text = "import importlib\n\n\ndef load(name):\n    return importlib.import_module(name)\n"
    key = _synthetic(root, "chx_import", text)
    _edit(root, "mathcore/sums.py", "return to_float(", "return 0.0 + to_float(")
    assert _synthetic(root, "chx_import", text) != key


def test_relative_imports_reexports_and_import_time_registration_are_followed(root):
    (root / "mathcore" / "_extra.py").write_text(
        "from .parameters import SIGMA_N\n\n_REGISTRY = {}\n\n\n"
        "def register(f):\n    _REGISTRY[f.__name__] = f\n    return f\n\n\n"
        "@register\ndef noise():\n    return SIGMA_N\n\n\n"
        "def lookup(name):\n    return _REGISTRY[name]()\n\n\n"
        "def unused():\n    return 1\n", encoding="utf-8")
    init = root / "mathcore" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\nfrom .parameters import SIGMA_MIN as LOWEST\n",
                    encoding="utf-8")
    text = "from mathcore import LOWEST\nfrom mathcore._extra import lookup\n"
    key = _synthetic(root, "chx_chain", text)
    for old, new, changes in [("steps = 7", "steps = 8", False),  # DESCENT_STEPS
                              ("sigma_n = 1.5", "sigma_n = 1.6", True),  # via _extra.noise, registered at import
                              ("sigma_min = 0.3", "sigma_min = 0.2", True)]:  # via the re-export in __init__
        _edit(root, STORY, old, new)
        now = _synthetic(root, "chx_chain", text)
        assert (now != key) is changes, old
        key = now
    _edit(root, "mathcore/_extra.py", "return 1", "return 2")
    assert _synthetic(root, "chx_chain", text) == key


def _readers(root: Path, *names: str) -> list[str]:
    return [s for s in SLUGS if any(n in (root / "scenes" / f"{s}.py").read_text(encoding="utf-8") for n in names)]


def test_a_story_value_rekeys_the_chapters_that_read_it_and_a_story_comment_none(root):
    readers = _readers(root, "SIGMA_MIN")
    assert readers and len(readers) < len(SLUGS)
    before = _keys(root)
    _edit(root, STORY, "sigma_min = 0.3 ", "sigma_min = 0.25 ")
    assert _changed(before, _keys(root)) == readers
    before = _keys(root)
    _edit(root, STORY, "# wide: the MAP is within 2% of the MLE", "# wide: the MAP stays within 2% of the MLE")
    assert _changed(before, _keys(root)) == []


def test_the_active_story_and_its_csv_are_inputs(root, tmp_path, monkeypatch):
    before = _keys(root)
    other = tmp_path / "other"
    other.mkdir()
    text = (root / STORY).read_text(encoding="utf-8")
    start, end = text.index("x = [0.8"), text.index("true_slope")
    (other / "story.toml").write_text(text[:start] + 'csv = "houses.csv"\n' + text[end:], encoding="utf-8")
    rows = "x,y\n0.8,2.1975549508959586\n1.0,1.1557649938737125\n1.3,3.483252415622668\n"
    last = "2.4,6.302482124899529\n"  # all six points: a story that loads (its narration is in the key too)
    (other / "houses.csv").write_text(rows + "1.6,3.26317715441368\n2.0,1.6436492210394151\n" + last,
                                      encoding="utf-8")
    monkeypatch.setenv("MLE2MAP_STORY", str(other / "story.toml"))
    with_csv = _keys(root)
    readers = _readers(root, "house_prices")
    assert readers and _changed(before, with_csv) == readers  # the line data now come from the CSV
    (other / "houses.csv").write_text(rows + "1.6,3.3\n2.0,1.6436492210394151\n" + last, encoding="utf-8")
    assert _changed(with_csv, _keys(root)) == readers

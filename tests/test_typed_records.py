"""Typed data at the boundaries: the render manifest (production/rendering/cache.py) and the benchmark results
(production/bench/figures.py) read, checked and written back as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from production.rendering import cache
from production.rendering.cache import Manifest, ManifestEntry

STAGES = {"cpu_s": 16.864, "frames_s": 9.901, "peak_mib": 745.871, "wall_s": 14.856}
#: Entries as the renderer has written them: with stages and rendered_at, and an older one without either.
ON_DISK = {
    "hd/ch05_prior": {"fps": 60.0, "frames": 1954, "key": "ce91", "render_seconds": 83.03,
                      "rendered_at": 1796136262.8982375, "size": 2142135, "sound": False, "stages": STAGES},
    "preview/ch05_prior": {"fps": 15.0, "frames": 30, "key": "k", "render_seconds": 2.5, "size": 4, "sound": True},
    "final/hd-dark": {"key": "assembly", "anything": [1, 2]},
}


def _old_format(data: dict) -> str:
    """The manifest text as the dict-based code wrote it."""
    return json.dumps(data, indent=2, sort_keys=True)


def test_manifest_reads_an_existing_file_and_writes_it_back_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "render" / "manifest.json"
    path.parent.mkdir()
    path.write_text(_old_format(ON_DISK))
    manifest = Manifest.from_file(path, warn=pytest.fail)
    assert manifest.entry("hd", "ch05_prior") == ManifestEntry("ce91", 1954, 60.0, 2142135, False, 83.03,
                                                               1796136262.8982375, STAGES)
    assert manifest.entry("preview", "ch05_prior").stages == {} and manifest.entry("hd", "ch01") is None
    assert manifest.assembly == {"final/hd-dark": ON_DISK["final/hd-dark"]}
    assert set(manifest.at_quality("hd")) == {"ch05_prior"}
    copy = tmp_path / "copy" / "manifest.json"
    manifest.to_file(copy)
    assert copy.read_text() == path.read_text()
    assert Manifest.from_file(copy) == manifest
    assert not list(copy.parent.glob(".*.tmp"))


def test_a_damaged_manifest_value_names_the_entry_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(_old_format({**ON_DISK, "hd/ch07_algebra": {**ON_DISK["hd/ch05_prior"], "frames": "many"}}))
    warnings: list[str] = []
    manifest = Manifest.from_file(path, warn=warnings.append)
    [line] = warnings
    assert str(path) in line and "'hd/ch07_algebra'" in line and "frames must be an integer > 0, got 'many'" in line
    assert sorted(manifest.chapters) == ["hd/ch05_prior", "preview/ch05_prior"]
    assert json.loads(path.read_text()) == ON_DISK  # the good entries stay, unchanged
    assert len(list(tmp_path.glob("manifest.json.bad-*"))) == 1


def test_locked_manifest_writes_only_what_the_block_changed(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(_old_format(ON_DISK))
    inode = path.stat().st_ino
    with cache.locked_manifest(path) as manifest:
        assert manifest.entry("hd", "ch05_prior").frames == 1954
    assert path.stat().st_ino == inode  # nothing changed: not rewritten
    entry = ManifestEntry("new", 10, 10.0, 1, False, 1.0, 5.0, {"wall_s": 0.5})
    with cache.locked_manifest(path) as manifest:
        manifest.record("preview", "ch01_cold_open", entry)
    assert json.loads(path.read_text()) == {**ON_DISK, "preview/ch01_cold_open": entry.to_dict()}
    assert Manifest.from_file(path).entry("preview", "ch01_cold_open") == entry

"""production.bench.pacing against ffmpeg itself: synthetic videos whose box stops for known stretches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from production.bench import pacing
from production.config import ROOT

FPS = 30
TOLERANCE = 2.5 / FPS  # freezedetect's times are frame times; a stretch may start or end a frame late


def _box_video(path: Path, seconds: float, x: str) -> Path:
    """A white box over black, 320x180 at 30 fps, whose x position follows the ffmpeg expression ``x``."""
    src = f"s=320x180:r={FPS}:d={seconds}"
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c=black:{src}",
                    "-f", "lavfi", "-i", f"color=c=white:s=40x40:r={FPS}:d={seconds}", "-filter_complex",
                    f"[0][1]overlay=x='{x}':y=40,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
                    str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def stops(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Moving 0-2 s, still 2-7 s, moving 7-9 s, still 9-13 s (the end of the file)."""
    return _box_video(tmp_path_factory.mktemp("pacing") / "ch05_stops.mp4", 13,
                      "if(lt(t,2),t*40,if(lt(t,7),80,if(lt(t,9),80+(t-7)*40,160)))")


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Still 0-6.5 s (opens the file), moving, still 8-14.5 s (middle), moving, still 16-23 s (closes it)."""
    return _box_video(tmp_path_factory.mktemp("pacing") / "cards.mp4", 23,
                      "if(lt(t,6.5),0,if(lt(t,8),(t-6.5)*40,if(lt(t,14.5),60,if(lt(t,16),60+(t-14.5)*40,120))))")


def _near(measured: tuple[tuple[float, float], ...], expected: list[tuple[float, float]]) -> bool:
    return len(measured) == len(expected) and all(
        abs(a - c) <= TOLERANCE and abs(b - d) <= TOLERANCE for (a, b), (c, d) in zip(measured, expected, strict=True))


def test_measures_the_known_stills(stops: Path) -> None:
    p = pacing.measure(stops)
    assert p.runtime == pytest.approx(13, abs=TOLERANCE)
    assert _near(p.stills, [(2, 7), (9, 13)]), p.stills  # the second one is still open at the end of file
    assert p.frozen == pytest.approx(9, abs=2 * TOLERANCE)
    assert p.share == pytest.approx(9 / 13, abs=0.02)
    assert p.longest == pytest.approx(5, abs=2 * TOLERANCE)
    assert len(pacing.check(p)) == 1 and "cover" in pacing.check(p)[0]  # share broken, no still over 6 s


def test_parse_closes_a_still_left_open_at_the_end() -> None:
    log = ("[freezedetect @ 0x1] lavfi.freezedetect.freeze_start: 2\n"
           "[freezedetect @ 0x1] lavfi.freezedetect.freeze_duration: 5.06667\n"
           "[freezedetect @ 0x1] lavfi.freezedetect.freeze_end: 7.06667\n"
           "[freezedetect @ 0x1] lavfi.freezedetect.freeze_start: 9\n")
    assert pacing.parse(log, 13.0) == ((2.0, 7.06667), (9.0, 13.0))
    assert pacing.parse("no events\n", 13.0) == ()


def test_card_exemptions(cards: Path) -> None:
    p = pacing.measure(cards)
    assert _near(p.stills, [(0, 6.5), (8, 14.5), (16, 23)]), p.stills

    def broken_starts(**allow: bool) -> list[str]:
        return [line.split(" from ")[1].split(" s")[0] for line in pacing.check(p, **allow) if " still " in line]

    assert len(broken_starts()) == 3
    end_only = broken_starts(allow_end=True)
    assert len(end_only) == 2 and float(end_only[0]) < 0.1 and float(end_only[1]) == pytest.approx(8, abs=0.1)
    title = broken_starts(allow_title=True)  # opens or closes the file: only the middle still is left
    assert len(title) == 1 and float(title[0]) == pytest.approx(8, abs=0.1)
    assert pacing.card_exemptions("ch01_cold_open") == {"allow_title": True, "allow_end": False}
    assert pacing.card_exemptions("ch10_what_it_means") == {"allow_title": False, "allow_end": True}
    assert pacing.card_exemptions("ch05_prior") == {"allow_title": False, "allow_end": False}


def test_a_chapter_within_the_targets_passes(tmp_path: Path) -> None:
    video = _box_video(tmp_path / "calm.mp4", 20, "if(lt(t,4),t*20,if(lt(t,7.5),80,80+60*sin((t-7.5)*2)))")
    p = pacing.measure(video)
    assert _near(p.stills, [(4, 7.5)]), p.stills
    assert pacing.check(p) == []


def test_cli_table_and_exit_codes(stops: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "production.bench.pacing"]
    done = subprocess.run([*cmd, str(stops)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("ch05_stops"))
    runtime, frozen, share, longest = row.split()[1:5]
    assert float(runtime) == pytest.approx(13, abs=0.1) and float(frozen) == pytest.approx(9, abs=0.2)
    assert float(share.rstrip("%")) == pytest.approx(69, abs=2) and float(longest) == pytest.approx(5, abs=0.2)
    assert row.endswith("FAIL (1)")
    missing = subprocess.run([*cmd, str(tmp_path / "nope.mp4")], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 2 and "nope.mp4" in missing.stderr and "Traceback" not in missing.stderr

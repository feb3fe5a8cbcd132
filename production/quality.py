"""Render quality presets and the YouTube encoding targets that go with each resolution and frame rate."""

from __future__ import annotations

from dataclasses import dataclass

# YouTube's recommended SDR upload bitrates in Mbps: (standard frame rate, high frame rate 48-60).
# Each entry: maximum height -> ((target, maxrate) at <= 30 fps, (target, maxrate) at > 30 fps).
_BITRATES: tuple[tuple[int, tuple[float, float], tuple[float, float]], ...] = (
    (360, (1.0, 1.25), (1.5, 1.9)),
    (480, (2.5, 3.0), (4.0, 5.0)),
    (720, (5.0, 6.25), (7.5, 9.4)),
    (1080, (8.0, 10.0), (12.0, 15.0)),
    (1440, (16.0, 20.0), (24.0, 30.0)),
    (2160, (40.0, 45.0), (60.0, 68.0)),
)


@dataclass(frozen=True)
class Quality:
    """Frame size and rate of a render, plus the x264 preset used for the final encode."""

    name: str
    width: int
    height: int
    fps: int
    x264_preset: str = "medium"

    def __post_init__(self) -> None:
        if not (16 <= self.width <= 7680 and 16 <= self.height <= 4320):
            raise ValueError(f"quality {self.name!r}: size must be within 16x16..7680x4320, got "
                             f"{self.width}x{self.height}")
        if self.width % 2 or self.height % 2:
            raise ValueError(f"quality {self.name!r}: width and height must be even for yuv420p, got "
                             f"{self.width}x{self.height}")
        if not 1 <= self.fps <= 120:
            raise ValueError(f"quality {self.name!r}: fps must be within 1..120, got {self.fps}")

    @property
    def label(self) -> str:
        return f"{self.height}p{self.fps}"

    @property
    def gop(self) -> int:
        """Keyframe interval: half the frame rate, as YouTube recommends (at least one frame)."""
        return max(1, round(self.fps / 2))

    @property
    def bitrate(self) -> tuple[int, int]:
        """(target, maxrate) video bitrate in bits per second for this resolution and frame rate."""
        for max_height, standard, high in _BITRATES:
            if self.height <= max_height:
                target, maxrate = high if self.fps > 30 else standard
                return int(target * 1e6), int(maxrate * 1e6)
        target, maxrate = _BITRATES[-1][2] if self.fps > 30 else _BITRATES[-1][1]
        return int(target * 1e6), int(maxrate * 1e6)


PRESETS: dict[str, Quality] = {
    "preview": Quality("preview", 854, 480, 15, "fast"),
    "hd": Quality("hd", 1920, 1080, 60, "veryfast"),
    "4k": Quality("4k", 3840, 2160, 60, "veryfast"),
}


def preset(name: str) -> Quality:
    if name not in PRESETS:
        raise ValueError(f"quality must be one of {', '.join(PRESETS)}, got {name!r}")
    return PRESETS[name]

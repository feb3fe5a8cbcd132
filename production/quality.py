"""Render quality presets and the one delivery encode that goes with each (the single source of truth).

Every frame is encoded once, by the chapter render (scenes/fast_render.py), with ``Quality.encoder_options``:
H.264 High, yuv420p, BT.709 matrix/primaries/transfer and limited range, closed GOPs of fps/2 with no scene-cut
keyframes, two B-frames, constant quality (CRF) capped by a VBV at YouTube's recommended bitrate. Partial movies,
chapters and the full video then join by stream copy (production/packaging/encode.py).
"""

from __future__ import annotations

import os
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


#: Constant quality of the delivery encode (see README "Encoding": SSIM >= 0.995 against lossless).
CRF = 18
BFRAMES = 2
#: On top of the preset (veryfast): superfast's motion search (diamond, subpixel refinement 1, intra partitions
#: only), keeping veryfast's look-ahead and macroblock tree. At CRF 18 on 600 frames of ch03, ch05 and ch07: about
#: 30 % less x264 CPU for 4 % more bytes and SSIM 0.99962 against 0.99965 (benchmarks/README.md, sixth session).
#: Superfast itself drops the macroblock tree too and writes 1.7x the bytes. The macroblock tree looks 5 frames
#: ahead instead of veryfast's 10 (a GOP is 30 frames at 60 fps): on 400 frames each of ch03 and ch07, 2-15 % less
#: x264 CPU (minima of three), 8 % fewer bytes and the same SSIM to five places (benchmarks/README.md, seventh
#: session).
X264_TUNING = ("me=dia", "subme=1", "partitions=i8x8,i4x4", "rc-lookahead=5")
PIX_FMT = "yuv420p"
#: Colour tags of every encoded file (ffmpeg option names); the RGBA -> YUV matrix is BT.709 too.
COLOUR = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709", "color_range": "tv"}
LOSSLESS_ENV = "MLE2MAP_LOSSLESS"


@dataclass(frozen=True)
class Quality:
    """Frame size and rate of a render, plus the x264 preset and CRF of its (single) delivery encode."""

    name: str
    width: int
    height: int
    fps: int
    x264_preset: str = "veryfast"
    crf: int = CRF
    #: x264 threads per encoder (0: x264's own choice). One is the least CPU a frame: a worker already runs its
    #: renderer and its encoder side by side, and two workers fill two cores.
    x264_threads: int = 1

    def __post_init__(self) -> None:
        if not (16 <= self.width <= 7680 and 16 <= self.height <= 4320):
            raise ValueError(f"quality {self.name!r}: size must be within 16x16..7680x4320, got "
                             f"{self.width}x{self.height}")
        if self.width % 2 or self.height % 2:
            raise ValueError(f"quality {self.name!r}: width and height must be even for yuv420p, got "
                             f"{self.width}x{self.height}")
        if not 1 <= self.fps <= 120:
            raise ValueError(f"quality {self.name!r}: fps must be within 1..120, got {self.fps}")
        if self.x264_threads < 0:
            raise ValueError(f"quality {self.name!r}: x264_threads must be 0 (automatic) or more, got "
                             f"{self.x264_threads}")
        if not 0 <= self.crf <= 51:
            raise ValueError(f"quality {self.name!r}: crf must be within 0..51, got {self.crf}")

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


    @property
    def vbv(self) -> tuple[int, int]:
        """(maxrate, bufsize) in bits per second / bits: capped at YouTube's recommended rate, a 2 s buffer."""
        target, _ = self.bitrate
        return target, 2 * target

    def x264_params(self, lossless: bool = False, threads: bool = True) -> str:
        """The x264 settings every partial movie of this quality shares (so the files join by stream copy).

        ``threads=False`` leaves the thread count to x264 (an ffmpeg encode that has the machine to itself); it
        does not change the stream's parameter sets."""
        gop = self.gop
        params = [f"keyint={gop}", f"min-keyint={gop}", "scenecut=0", "open-gop=0", f"bframes={BFRAMES}"]
        if lossless:
            return ":".join([*params, "qp=0"])
        if self.x264_threads and threads:
            params += [f"threads={self.x264_threads}", f"lookahead-threads={self.x264_threads}"]
        maxrate, bufsize = self.vbv
        return ":".join([*params, *X264_TUNING, f"vbv-maxrate={maxrate // 1000}",
                         f"vbv-bufsize={bufsize // 1000}"])

    def encoder_options(self, lossless: bool = False) -> dict[str, str]:
        """libavcodec options of libx264 (PyAV ``codec_context.options``); ``lossless``: the bench's reference.

        Lossless is x264 at qp 0 on the very same BT.709 yuv420p frames (High 4:4:4 Predictive profile), so
        SSIM/PSNR of a delivery file against it measure the delivery encode alone, not the colour conversion.
        """
        if lossless:
            return {"preset": "ultrafast", "x264-params": self.x264_params(lossless=True)}
        return {"preset": self.x264_preset, "crf": str(self.crf), "profile": "high",
                "x264-params": self.x264_params()}

    def ffmpeg_video_args(self) -> list[str]:
        """The same delivery encode for the ffmpeg command line (used only where a re-encode is unavoidable), with
        x264's own thread count: such an encode is the one job running, not one of a render's threads."""
        opts = self.encoder_options()
        return ["-c:v", "libx264", "-preset", opts["preset"], "-crf", opts["crf"], "-profile:v", "high",
                "-pix_fmt", PIX_FMT, "-x264-params", self.x264_params(threads=False),
                *(arg for key, value in COLOUR.items() for arg in (f"-{key}", value)), "-r", str(self.fps)]


PRESETS: dict[str, Quality] = {
    "preview": Quality("preview", 854, 480, 15, "veryfast"),
    "hd": Quality("hd", 1920, 1080, 60, "veryfast"),
    # At 4K one thread would leave the encoder far behind the renderer: x264 picks its threads.
    "4k": Quality("4k", 3840, 2160, 60, "veryfast", x264_threads=0),
}


def lossless() -> bool:
    """True when ``MLE2MAP_LOSSLESS=1``: partial movies are written lossless (the bench's reference)."""
    return os.environ.get(LOSSLESS_ENV, "") == "1"


def for_frames(width: int, height: int, fps: int) -> Quality:
    """The preset with this frame size and rate, else one with the default preset and CRF."""
    for quality in PRESETS.values():
        if (quality.width, quality.height, quality.fps) == (width, height, fps):
            return quality
    return Quality(f"{height}p{fps}", width, height, fps)


def preset(name: str) -> Quality:
    if name not in PRESETS:
        raise ValueError(f"quality must be one of {', '.join(PRESETS)}, got {name!r}")
    return PRESETS[name]

"""FastCamera.hand_over: a frame given to the encoder is the camera's own buffer, never drawn on again while anyone
holds it (the queue, the encoder thread, a view of it), and the pictures are those of Manim's copying camera."""

from __future__ import annotations

import hashlib
import queue
import threading
import time

import numpy as np
import pytest
from manim import Circle, Dot, Square, VGroup, tempconfig
from manim.camera.camera import Camera

from scenes import fast_render
from scenes.fast_render import FastCamera, frame_out

SIZE = {"pixel_width": 320, "pixel_height": 180}
RIGHT = np.array([1.0, 0.0, 0.0])


def scene() -> tuple[VGroup, Dot]:
    dot = Dot(radius=0.3, color="#E24B4A").shift(-4 * RIGHT)
    return VGroup(Square(2.0, color="#1D9E75"), Circle(1.5).set_fill("#378ADD", 0.5), dot), dot


def draw(camera: Camera, picture: VGroup, static: np.ndarray | None = None) -> None:
    """What CairoRenderer.update_frame does: the background (or the static layer), then the mobjects."""
    if static is not None:
        camera.set_frame_to_background(static)
    else:
        camera.reset()
    camera.capture_mobjects([picture])


def expected_frames(steps: int, step: float = 0.4) -> list[np.ndarray]:
    picture, dot = scene()
    with tempconfig(SIZE):
        camera = Camera()
        out = []
        for _ in range(steps):
            draw(camera, picture)
            out.append(camera.pixel_array.copy())
            dot.shift(step * RIGHT)
    return out


def test_held_frames_keep_their_pictures_and_released_buffers_are_reused():
    steps = 12
    want = expected_frames(steps)
    picture, dot = scene()
    with tempconfig(SIZE):
        camera = FastCamera()
        held = []
        for step in range(steps):
            draw(camera, picture)
            frame = frame_out(camera)
            # Every other frame is held only through a view of it (as a consumer slicing the array would).
            held.append(frame if step % 2 else frame[:, :, :3])
            del frame
            dot.shift(0.4 * RIGHT)
        for got, ref in zip(held, want, strict=True):
            np.testing.assert_array_equal(got, ref[..., :got.shape[2]])
        pool = len(camera._pool)
        assert pool >= 4  # the held frames are the pool's own buffers, not copies
        held.clear()
        for _ in range(20):  # now each frame is let go at once: the pool serves them without growing
            draw(camera, picture)
            frame_out(camera)
        assert len(camera._pool) == pool


def test_the_pixel_array_read_right_after_a_hand_over_is_the_frame_handed_over():
    picture, _ = scene()
    with tempconfig(SIZE):
        camera = FastCamera()
        draw(camera, picture)
        frame = frame_out(camera)
        assert camera.pixel_array is not frame
        np.testing.assert_array_equal(camera.pixel_array, frame)
        np.testing.assert_array_equal(np.asarray(camera.get_image())[..., :3], frame[..., :3])


def test_the_static_layer_handed_over_stays_while_frames_are_drawn_over_it():
    picture, dot = scene()
    with tempconfig(SIZE):
        camera, stock = FastCamera(), Camera()
        draw(camera, VGroup(*picture[:2]))
        static = frame_out(camera)
        draw(stock, VGroup(*picture[:2]))
        stock_static = stock.pixel_array.copy()
        for _ in range(6):
            draw(camera, VGroup(dot), static)
            got = frame_out(camera)
            draw(stock, VGroup(dot), stock_static)
            np.testing.assert_array_equal(got, stock.pixel_array)
            np.testing.assert_array_equal(static, stock_static)
            dot.shift(0.5 * RIGHT)


def test_with_every_buffer_held_the_frame_is_copied(monkeypatch):
    monkeypatch.setattr(fast_render, "max_buffers", lambda width, height: 2)
    want = expected_frames(6)
    picture, dot = scene()
    with tempconfig(SIZE):
        camera = FastCamera()
        held = []
        for _ in range(6):
            draw(camera, picture)
            held.append(frame_out(camera))
            dot.shift(0.4 * RIGHT)
        assert len(camera._pool) == 2
        for got, ref in zip(held, want, strict=True):
            np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("delay", [0.0, 0.003])
def test_a_slow_consumer_thread_sees_every_frame_as_drawn(delay):
    """The encoder's situation: a bounded queue and a thread that reads each frame later."""
    steps = 40
    want = [hashlib.md5(frame.tobytes()).hexdigest() for frame in expected_frames(steps, 0.2)]
    picture, dot = scene()
    frames: queue.Queue = queue.Queue(maxsize=8)
    seen: list[str] = []

    def consume() -> None:
        while (item := frames.get()) is not None:
            time.sleep(delay)
            seen.append(hashlib.md5(item.tobytes()).hexdigest())

    worker = threading.Thread(target=consume)
    worker.start()
    with tempconfig(SIZE):
        camera = FastCamera()
        for _ in range(steps):
            draw(camera, picture)
            frames.put(frame_out(camera))
            dot.shift(0.2 * RIGHT)
    frames.put(None)
    worker.join()
    assert seen == want
    assert len(set(want)) > steps // 2  # the dot did move between frames

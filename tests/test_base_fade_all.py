"""ChapterScene.fade_all: one play fades out everything on screen, foreground mobjects too, and empties the scene."""

from manim import Circle, Scene, Square, ValueTracker, tempconfig

from scenes.base import FADE_ALL_TIME, ChapterScene


class Cleared(Scene):
    """A bare Scene with ChapterScene's fade_all (no narration needed), logging each play's mobjects."""

    fade_all = ChapterScene.fade_all

    def construct(self) -> None:
        self.plays: list[tuple[set[int], float]] = []
        self.square, self.badge, self.tracker = Square(), Circle().set_fill(opacity=1), ValueTracker(2.5)
        self.add(self.square, self.tracker)
        self.add_foreground_mobject(self.badge)
        self.fade_all()

    def play(self, *animations, run_time: float = 1.0, **kwargs) -> None:
        self.plays.append(({id(m) for a in animations for m in a.mobject.get_family()}, run_time))
        super().play(*animations, run_time=run_time, **kwargs)


def test_fade_all_fades_foreground_too_in_one_play_and_empties_the_scene(tmp_path):
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path), "verbosity": "ERROR", "progress_bar": "none"}):
        scene = Cleared()
        scene.render()
    assert len(scene.plays) == 1
    faded, run_time = scene.plays[0]
    assert run_time == FADE_ALL_TIME == 0.8
    assert {id(scene.square), id(scene.badge)} <= faded
    assert scene.mobjects == [] and scene.foreground_mobjects == []
    assert scene.tracker.get_value() == 2.5, "a value tracker on screen keeps its value"

"""The chapters of the video in storyboard order: module, scene class and title of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str  # module name under scenes/, also the narration file's stem
    scene: str  # scene class name
    title: str  # YouTube chapter and slide-deck section title

    @property
    def path(self) -> Path:
        return Path(__file__).parent / f"{self.slug}.py"

    @property
    def module(self) -> str:
        return f"scenes.{self.slug}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(1, "ch01_cold_open", "ColdOpenScene", "Where does + λw² come from?"),
    Chapter(2, "ch02_fitting_a_line", "FittingLineScene", "Fitting a line"),
    Chapter(3, "ch03_likelihood", "LikelihoodScene", "Maximum likelihood"),
    Chapter(4, "ch04_overfitting", "OverfittingScene", "Overfitting"),
    Chapter(5, "ch05_prior", "PriorScene", "The prior"),
    Chapter(6, "ch06_posterior", "PosteriorScene", "Posterior tug-of-war"),
    Chapter(7, "ch07_algebra", "AlgebraScene", "The punchline: the algebra"),
    Chapter(8, "ch08_two_views", "TwoViewsScene", "Two views, one minimum"),
    Chapter(9, "ch09_polynomial_ridge", "PolynomialRidgeScene", "Polynomial ridge"),
    Chapter(10, "ch10_what_it_means", "TakeawaysScene", "What this means"),
)


def by_slug(slug: str) -> Chapter:
    for chapter in CHAPTERS:
        if chapter.slug == slug or chapter.scene == slug or str(chapter.number) == slug:
            return chapter
    names = ", ".join(c.slug for c in CHAPTERS)
    raise ValueError(f"chapter must be one of {names} (or its number), got {slug!r}")

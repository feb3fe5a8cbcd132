"""Cheaper ``Mobject.copy()``: copies share the parts no mobject changes after it is built.

Manim copies a mobject with ``copy.deepcopy`` of every attribute, and every animation copies its mobject (and a
Transform its target) when it begins. A glyph of a formula (``VMobjectFromSVGPath``) keeps the parsed SVG path it
was built from, ``path_obj``: an ``svgelements`` Path with a Point, segment and matrix object per command. Its
points are generated from that path once, when the glyph is made, and nothing reads it again; yet each copy of a
formula deep-copied all of it, and a ``ManimColor`` went through ``copy``'s generic reduce path too. In ch05 a
render's deep copies rebuilt 58,000 svgelements Points and 4,800 colours; with the sharing its animations' set-up
takes 0.12 s instead of 0.79 s, and its frames are identical (framemd5 of ch03, ch05, ch06 and ch10).

``install()`` (run when scenes.base is imported) makes a copy of a glyph share its ``path_obj`` with the original
and a copied ``ManimColor`` be the same colour object. Manim itself already shares colour values:
``ManimColor(other)`` keeps ``other``'s array, and no ManimColor method changes one in place. The points, the
colour arrays and everything else are still copied. tests/test_fast_copy.py checks copies against Manim's own,
and tests/test_manim_hooks.py names the attributes this relies on.
"""

from __future__ import annotations

from typing import Any

from manim import ManimColor, Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from scenes.fast_render import ManimHookMissing

#: What is replaced: (class, name); "absent" means Manim did not define it, so uninstall deletes ours.
_STOCK: dict[tuple[type, str], Any] = {
    (VMobjectFromSVGPath, "__deepcopy__"): VMobjectFromSVGPath.__dict__.get("__deepcopy__", "absent"),
    (ManimColor, "__deepcopy__"): ManimColor.__dict__.get("__deepcopy__", "absent"),
}


def _glyph_deepcopy(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> VMobjectFromSVGPath:
    """Manim's ``Mobject.__deepcopy__`` with the source path handed over, not copied."""
    path = self.__dict__.get("path_obj")
    if path is not None:
        memo[id(path)] = path
    return Mobject.__deepcopy__(self, memo)


def _color_deepcopy(self: ManimColor, memo: dict[int, Any]) -> ManimColor:
    """A colour is a value: the copy is the colour itself."""
    return self


def check_hooks() -> None:
    """Raise ManimHookMissing if the copy no longer goes through ``Mobject.__deepcopy__`` or a glyph has no
    ``path_obj``."""
    if "__deepcopy__" not in Mobject.__dict__:
        raise ManimHookMissing("manim.Mobject no longer defines __deepcopy__: scenes/fast_copy.py needs updating "
                               "for this Manim version")
    if "path_obj" not in VMobjectFromSVGPath.__init__.__code__.co_varnames:
        raise ManimHookMissing("manim's VMobjectFromSVGPath no longer takes path_obj: scenes/fast_copy.py needs "
                               "updating for this Manim version")
    for (cls, name), stock in _STOCK.items():
        if stock != "absent" and stock not in (_glyph_deepcopy, _color_deepcopy):
            raise ManimHookMissing(f"manim's {cls.__name__} now has its own {name}: scenes/fast_copy.py needs "
                                   "updating for this Manim version")


def install() -> None:
    """Make copies share glyph paths and colours (idempotent)."""
    check_hooks()
    VMobjectFromSVGPath.__deepcopy__ = _glyph_deepcopy
    ManimColor.__deepcopy__ = _color_deepcopy


def uninstall() -> None:
    """Manim's own deep copies again (the benchmark's stock runs, the tests)."""
    for (cls, name), stock in _STOCK.items():
        if stock == "absent":
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, stock)

"""Faster family walks and updater calls for Manim's Cairo mobjects; the same lists in the same order.

Every frame Manim walks the family (a mobject and all its submobjects) several times: the camera to find what
to draw, each Transform to pair up points, ``Scene.update_mobjects`` to call the updaters. Its
``Mobject.get_family`` recurses once per submobject and de-duplicates the list at every level, and
``Mobject.update`` recurses into every glyph of every formula and asks ``inspect.signature`` of every updater
on every call. In ch03 (a bell, a tick and a dot per data point, each with an updater), with the walks below a
frame takes 6 % less CPU (29.4 -> 27.7 ms at 854x480@60).

``install()`` (run when scenes.base is imported) replaces three methods of ``manim.Mobject``:
* ``get_family``: one iterative pre-order walk; only a family that holds a mobject twice is de-duplicated,
  keeping the last occurrence, which is what Manim's nested de-duplication gives too;
* ``family_members_with_points``: the same walk, filtered on ``len(points)``;
* ``update``: whether an updater takes ``dt`` is looked up once per updater, a submobject with neither
  updaters nor submobjects is skipped (its ``update`` would do nothing), and the family is walked without a
  call per submobject.

tests/test_fast_family.py compares them with Manim's own on shared and nested families, and
tests/test_manim_hooks.py names what they rely on; ``install`` raises ManimHookMissing if a Manim upgrade
changes one of the three methods' signatures.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any

from manim import Mobject
from manim.utils.iterables import remove_list_redundancies

from scenes.fast_render import ManimHookMissing

#: The Manim methods replaced, with the parameters each must still have.
HOOKS: dict[str, list[str]] = {
    "get_family": ["self", "recurse"],
    "family_members_with_points": ["self"],
    "update": ["self", "dt", "recursive"],
}
#: Manim's own methods, kept for the benchmark's stock runs and the tests.
STOCK: dict[str, Callable[..., Any]] = {name: getattr(Mobject, name) for name in HOOKS}

_TAKES_DT: weakref.WeakKeyDictionary[Callable[..., Any], bool] = weakref.WeakKeyDictionary()


def takes_dt(updater: Callable[..., Any]) -> bool:
    """True if ``updater`` has a ``dt`` parameter (Manim's test), remembered per updater while it lives."""
    try:
        return _TAKES_DT[updater]
    except KeyError:
        pass
    except TypeError:  # not weak-referenceable: ask every time, as Manim does
        return "dt" in inspect.signature(updater).parameters
    found = "dt" in inspect.signature(updater).parameters
    _TAKES_DT[updater] = found
    return found


def get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    """The mobject and all its submobjects, pre-order, each once (its last place), as Manim's."""
    subs = self.submobjects
    if not subs:
        return [self]
    family: list[Mobject] = []
    stack: list[Mobject] = [self]
    pop, push, add = stack.pop, stack.extend, family.append
    while stack:
        mob = pop()
        add(mob)
        subs = mob.submobjects
        if subs:
            push(reversed(subs))
    if len(set(family)) != len(family):
        return remove_list_redundancies(family)
    return family


def family_members_with_points(self: Mobject) -> list[Mobject]:
    """The family members that have points, in family order."""
    return [mob for mob in get_family(self) if len(mob.points)]


def _run_updaters(mob: Mobject, dt: float) -> None:
    for updater in mob.updaters:
        if takes_dt(updater):
            updater(mob, dt)
        else:
            updater(mob)


def update(self: Mobject, dt: float = 0, recursive: bool = True) -> Mobject:
    """Manim's ``Mobject.update``: every updater, then (``recursive``) every submobject's, unless suspended.

    The family is walked with a stack of list iterators instead of one call per submobject: each list is read
    while it is walked, after its owner's updaters ran, as Manim's recursion reads it."""
    if self.updating_suspended:
        return self
    _run_updaters(self, dt)
    if not recursive:
        return self
    stack = [iter(self.submobjects)]
    while stack:
        for sub in stack[-1]:
            if not (sub.updaters or sub.submobjects) or sub.updating_suspended:
                continue
            if type(sub).update is not update:  # a class with an update of its own
                sub.update(dt, recursive)
                continue
            if sub.updaters:
                _run_updaters(sub, dt)
            if sub.submobjects:
                stack.append(iter(sub.submobjects))
                break
        else:
            stack.pop()
    return self


FAST: dict[str, Callable[..., Any]] = {
    "get_family": get_family, "family_members_with_points": family_members_with_points, "update": update,
}


def check_hooks() -> None:
    """Raise ManimHookMissing if Manim's methods no longer look like the ones these replace."""
    for name, expected in HOOKS.items():
        stock = STOCK[name]
        got = list(inspect.signature(stock).parameters)
        if got != expected:
            raise ManimHookMissing(f"manim.Mobject.{name} now takes ({', '.join(got)}), not "
                                   f"({', '.join(expected)}): scenes/fast_family.py needs updating for this "
                                   "Manim version")


def install() -> None:
    """Put the fast methods on ``manim.Mobject`` (idempotent)."""
    check_hooks()
    for name, method in FAST.items():
        setattr(Mobject, name, method)


def uninstall() -> None:
    """Put Manim's own methods back (the benchmark's stock runs)."""
    for name, method in STOCK.items():
        setattr(Mobject, name, method)

"""scenes/fast_family.py against Manim's own methods: the same families in the same order, the same updater calls."""

from __future__ import annotations

import functools
import random

import pytest
from manim import Circle, Dot, MathTex, Mobject, Square, VGroup, VMobject

from scenes import fast_family as F


def stock(name: str, mob: Mobject, *args: object) -> object:
    """Manim's method on ``mob``, with Manim's own methods for every recursive call as well."""
    F.uninstall()
    try:
        return F.STOCK[name](mob, *args)
    finally:
        F.install()


def random_tree(rng: random.Random, depth: int = 4) -> Mobject:
    """A family of VMobjects, some with points, some shared between two parents (so listed twice by a plain walk)."""
    pool: list[Mobject] = []

    def node(level: int) -> Mobject:
        if pool and rng.random() < 0.15:
            return rng.choice(pool)  # a mobject that already has a parent: the family holds it twice
        mob = Dot() if rng.random() < 0.5 else VMobject()
        if level < depth:
            for _ in range(rng.randrange(0, 4)):
                mob.add(node(level + 1))
        pool.append(mob)  # only once complete: a shared mobject is never its own ancestor
        return mob

    return VGroup(*(node(1) for _ in range(3)))


def test_the_fast_methods_are_installed_by_the_scenes():
    import scenes.base  # noqa: F401  (installs them)

    for name, method in F.FAST.items():
        assert getattr(Mobject, name) is method


@pytest.mark.parametrize("seed", range(40))
def test_family_matches_manim_on_shared_and_nested_trees(seed):
    tree = random_tree(random.Random(seed))
    expected = stock("get_family", tree)
    assert tree.get_family() == expected
    assert tree.family_members_with_points() == stock("family_members_with_points", tree)
    # A node inside the tree too, not only the root.
    inner = tree.submobjects[seed % len(tree.submobjects)]
    assert inner.get_family() == stock("get_family", inner)


def test_a_shared_submobject_keeps_its_last_place():
    a, b, shared = VGroup(), VGroup(), Dot()
    a.add(shared)
    b.add(shared, Dot())
    root = VGroup(a, b)
    family = root.get_family()
    assert family == stock("get_family", root)
    assert family.count(shared) == 1 and family.index(shared) == family.index(b) + 1


def test_family_of_a_formula_and_a_leaf():
    tex = MathTex(r"\hat w = \frac{1}{\lambda}")
    assert tex.get_family() == stock("get_family", tex)
    assert tex.family_members_with_points() == stock("family_members_with_points", tex)
    leaf = Circle()
    assert leaf.get_family() == [leaf]


def test_updates_call_the_same_updaters_in_the_same_order_with_the_same_dt():
    calls: list[tuple[str, object]] = []

    def timed(name: str, mob: Mobject, dt: float) -> None:
        calls.append((name, dt))

    def untimed(name: str, mob: Mobject) -> None:
        calls.append((name, None))

    root, child, grandchild, suspended, under_suspended = VGroup(), VGroup(), Square(), VGroup(), Dot()
    root.add(child, suspended)
    child.add(Dot(), grandchild)
    suspended.add(under_suspended)
    root.add_updater(functools.partial(untimed, "root"))
    child.add_updater(lambda m, dt: timed("child", m, dt))
    grandchild.add_updater(functools.partial(timed, "grandchild"))
    grandchild.add_updater(lambda m: untimed("grandchild2", m))
    under_suspended.add_updater(lambda m, dt: timed("under_suspended", m, dt))
    suspended.suspend_updating(recursive=False)

    root.update(0.25)
    fast = list(calls)
    calls.clear()
    stock("update", root, 0.25)
    assert fast == calls == [("root", None), ("child", 0.25), ("grandchild", 0.25), ("grandchild2", None)]
    calls.clear()
    root.update(0.5, recursive=False)
    assert calls == [("root", None)]


def test_an_updater_that_adds_a_submobject_sees_it_updated_as_manim_does():
    seen: list[str] = []
    root = VGroup()
    late = Dot()
    late.add_updater(lambda m: seen.append("late"))
    root.add_updater(lambda m: m.add(late) if late not in m.submobjects else None)
    root.update(0.1)
    assert seen == ["late"]


def test_the_random_trees_do_share_mobjects():
    """Most of the trees above hold some mobject twice, so the de-duplication is exercised."""

    def walk(mob: Mobject) -> list[Mobject]:
        return [mob, *(m for sub in mob.submobjects for m in walk(sub))]

    shared = sum(len(set(w)) < len(w) for w in (walk(random_tree(random.Random(s))) for s in range(40)))
    assert shared >= 20


def test_deep_families_update_in_manims_order_even_when_updaters_change_them():
    """A random family where some updaters append a new child to their owner or drop a later sibling: the walk
    reads each list as Manim's recursion does, so the same updaters run in the same order."""

    def build(seed: int) -> tuple[Mobject, list[str]]:
        rng = random.Random(seed)
        calls: list[str] = []
        count = [0]

        def named(level: int) -> Mobject:
            mob = VGroup() if level < 4 and rng.random() < 0.6 else Dot()
            name = f"m{count[0]}"
            count[0] += 1
            kind = rng.random()
            if kind < 0.1:
                def grow(m: Mobject, name: str = name) -> None:
                    calls.append(name)
                    if len(m.submobjects) < 4:
                        late = Dot()
                        late.add_updater(lambda _m, dt, n=name: calls.append(f"late-{n}-{dt}"))
                        m.add(late)
                mob.add_updater(grow)
            elif kind < 0.2 and level > 1:
                def prune(m: Mobject, name: str = name) -> None:
                    calls.append(name)
                    parent = m.get_parent() if hasattr(m, "get_parent") else None
                    if parent is not None and len(parent.submobjects) > 1:
                        parent.remove(parent.submobjects[-1])
                mob.add_updater(prune)
            elif kind < 0.6:
                mob.add_updater(lambda m, dt, n=name: calls.append(f"{n}-{dt}"))
            if kind > 0.95:
                mob.suspend_updating(recursive=False)
            if isinstance(mob, VGroup):
                for _ in range(rng.randrange(1, 4)):
                    mob.add(named(level + 1))
            return mob

        root = named(0)
        parents = {id(sub): mob for mob in root.get_family() for sub in mob.submobjects}
        for mob in root.get_family():
            mob.get_parent = lambda m=mob: parents.get(id(m))  # type: ignore[attr-defined]
        return root, calls

    everything: list[str] = []
    for seed in range(30):
        root, fast_calls = build(seed)
        for _ in range(3):
            root.update(0.5)
        twin, stock_calls = build(seed)
        for _ in range(3):
            stock("update", twin, 0.5)
        assert fast_calls == stock_calls
        everything += fast_calls
    assert any(c.startswith("late-") for c in everything)  # some updater did add a child that was then updated
    assert len(everything) > 200


def test_a_class_with_its_own_update_is_called_through_it():
    seen: list[str] = []

    class Own(VGroup):
        def update(self, dt: float = 0, recursive: bool = True) -> Mobject:
            seen.append("own")
            return self

    inner = Own(Dot())
    inner.add_updater(lambda m: seen.append("never: Own.update runs instead"))
    root = VGroup(VGroup(inner))
    root.update(0.1)
    assert seen == ["own"]

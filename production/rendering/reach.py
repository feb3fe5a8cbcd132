"""What a chapter's render reaches, found statically (``ast``, nothing analysed is imported): the cache key's inputs.

Project modules outside mathcore/ (the chapter, the scenes/, tests/ and production/ modules it imports,
transitively, including imports inside functions) are inputs as whole files. From mathcore/ only the code the
chapter can reach is an input:

* a name a chapter or scenes module imports (``from mathcore.x import a``) or reads off a module it imported
  (``P.SIGMA_MIN`` after ``from mathcore import parameters as P``, ``m.a`` after ``import mathcore.x as m``);
* in every mathcore module so loaded: its import lines, the names those import, and its top-level statements
  that run code at import time (bare statements, ``if``/``try`` blocks, definitions whose decorators, defaults,
  class body or value call project code);
* for each reached top-level definition (function, class, assignment), the module's names its source mentions,
  closed transitively, across modules (relative imports and re-exports included).

Whatever cannot be resolved this way makes a whole module an input: ``from mathcore.x import *``, a mathcore
module object used other than by ``module.name`` (``getattr(P, name)``, passed as an argument, assigned to),
a name a module does not define at top level, ``globals()``/``vars()``/``locals()``; ``eval``, ``exec``,
``__import__`` or ``importlib.import_module`` that may name a mathcore module make all of mathcore an input.
The key material is the source lines of the reached statements, per module in file order, modules in name
order; editing a comment or docstring outside them, or code no chapter reaches, changes no key.

The story file mathcore/parameters.py loads (``STORY``) is data: :func:`story_material` adds the values of the
``STORY.section.key`` paths the reached code reads (a whole section when only ``STORY.section`` is read, with the
CSV of ``[line]`` when its points are; the whole file for a bare use of ``STORY``), so editing a value re-renders
only the chapters that read it, and a comment in the story file none.

Parsed modules are kept per process, keyed by file content, so the ten chapter keys of a run parse each file once.
"""

from __future__ import annotations

import ast
import json
import os
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mathcore.story import RENAMED_KEYS, SHIPPED_STORY, STORY_ENV

#: The package analysed by definition; the others are inputs as whole files.
CORE = "mathcore"
_WHOLE_FILE_PACKAGES = ("scenes", "tests", "production")
_INTROSPECTION = {"globals", "vars", "locals", "dir"}
_CODE_FROM_TEXT = {"eval", "exec", "compile"}
_DYNAMIC_IMPORT = {"__import__", "import_module"}
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_SCOPES = (*_FUNCTIONS, ast.ClassDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign, ast.AugAssign)

#: A module-level name bound by a project import: ("module", dotted name) or ("from", module, name).
Binding = tuple[str, ...]
Event = tuple


def _binds(stmt: ast.stmt) -> set[str]:
    """The module-level names a top-level statement binds."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {a.asname or a.name.split(".")[0] for a in stmt.names if a.name != "*"}
    names: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if node is not stmt and isinstance(node, ast.stmt) and isinstance(node, (*_SCOPES, ast.Import, ast.ImportFrom)):
            names |= _binds(node)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _import_time(stmt: ast.stmt) -> list[ast.AST]:
    """The parts of a definition evaluated when its module is imported."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return [*stmt.decorator_list, *stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d is not None)]
    if isinstance(stmt, ast.ClassDef):
        return [*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords),
                *(part for s in stmt.body for part in _import_time(s))]
    return [stmt]


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _import_prefix(call: ast.Call) -> str | None:
    """The constant start of a dynamic import's module name, or None when nothing is known of it."""
    arg = call.args[0] if call.args else None
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value)
    return None


@dataclass
class _Facts:
    """What one top-level statement contains: imports, names (with the attribute chain read off them), calls."""

    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    refs: list[tuple[str, tuple[str, ...], bool]] = field(default_factory=list)
    calls: list[Event] = field(default_factory=list)


_CHILDREN: dict[type, tuple[str, ...]] = {}


def _facts(stmt: ast.stmt) -> _Facts:
    """One pass over ``stmt`` (the hot loop of a cold key: plain type checks, no ``ctx`` nodes visited)."""
    facts = _Facts()
    stack: list[object] = [stmt]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            facts.refs.append((node.id, (), False))
            continue
        if kind is ast.Attribute:
            attrs, inner = [], node
            while type(inner) is ast.Attribute:
                attrs.append(inner.attr)
                inner = inner.value
            if type(inner) is ast.Name:
                facts.refs.append((inner.id, tuple(reversed(attrs)), type(node.ctx) is not ast.Load))
            else:
                stack.append(inner)
            continue
        if kind is ast.Import or kind is ast.ImportFrom:
            facts.imports.append(node)
            continue
        if kind is ast.Call:
            func = node.func
            builtin = func.id if type(func) is ast.Name else ""
            if builtin in _INTROSPECTION and not node.args:
                facts.calls.append(("introspection",))
            elif builtin in _CODE_FROM_TEXT:
                facts.calls.append(("dynamic_import", None))
            elif (func.attr if type(func) is ast.Attribute else builtin) in _DYNAMIC_IMPORT:
                facts.calls.append(("dynamic_import", _import_prefix(node)))
        fields = _CHILDREN.get(kind)
        if fields is None:
            fields = _CHILDREN[kind] = tuple(f for f in getattr(kind, "_fields", ()) if f != "ctx")
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return facts


@dataclass
class Module:
    """One parsed project module and what its statements refer to (events cached per statement)."""

    name: str
    path: Path
    is_package: bool
    data: bytes
    body: list[ast.stmt]
    lines: list[str]
    facts: list[_Facts] = field(default_factory=list)
    binders: dict[str, list[int]] = field(default_factory=dict)
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    header: list[int] = field(default_factory=list)
    effects: list[int] = field(default_factory=list)
    _events: dict[int, list[Event]] = field(default_factory=dict)

    @property
    def is_core(self) -> bool:
        return self.name.split(".")[0] == CORE

    @classmethod
    def parse(cls, name: str, path: Path, data: bytes) -> Module:
        text = data.decode("utf-8")
        tree = ast.parse(text, filename=str(path))
        mod = cls(name, path, path.name == "__init__.py", data, tree.body, text.splitlines(keepends=True))
        mod.facts = [_facts(stmt) for stmt in tree.body]
        for node in (node for facts in mod.facts for node in facts.imports):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == CORE:
                        bound = ("module", a.name) if a.asname else ("module", a.name.split(".")[0])
                        mod.bindings.setdefault(a.asname or a.name.split(".")[0], []).append(bound)
            elif (base := mod.absolute(node)) is not None and base.split(".")[0] == CORE:
                for a in node.names:
                    if a.name != "*":
                        mod.bindings.setdefault(a.asname or a.name, []).append(("from", base, a.name))
        for index, stmt in enumerate(tree.body):
            for bound in _binds(stmt):
                mod.binders.setdefault(bound, []).append(index)
        for index, stmt in enumerate(tree.body):
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                mod.header.append(index)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # a docstring or a bare literal
            elif not isinstance(stmt, _DEFINITIONS) or mod._calls_project_code(stmt):
                mod.effects.append(index)
        return mod

    def absolute(self, node: ast.ImportFrom) -> str | None:
        """The absolute module name of a ``from ... import``."""
        if node.level == 0:
            return node.module
        package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        if not base:
            return None
        return ".".join([*base, node.module] if node.module else base)

    def _project_root(self, name: str | None) -> bool:
        if name is None:
            return False
        return name in self.bindings or any(
            not isinstance(self.body[i], ast.Import | ast.ImportFrom) for i in self.binders.get(name, ()))

    def _calls_project_code(self, stmt: ast.stmt) -> bool:
        if any(self._project_root(_root_name(d)) for d in getattr(stmt, "decorator_list", ())):
            return True
        return any(isinstance(n, ast.Call) and self._project_root(_root_name(n.func))
                   for part in _import_time(stmt) for n in ast.walk(part))

    def segment(self, index: int) -> str:
        stmt = self.body[index]
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        return "".join(self.lines[first - 1: stmt.end_lineno])

    def events(self, index: int | None = None) -> list[Event]:
        """What statement ``index`` (None: the whole module) refers to, each once."""
        key = -1 if index is None else index
        if key not in self._events:
            self._events[key] = list(dict.fromkeys(self._derive(self.facts if index is None else [self.facts[index]])))
        return self._events[key]

    def _derive(self, facts: Iterable[_Facts]) -> Iterator[Event]:
        for fact in facts:
            for node in fact.imports:
                if isinstance(node, ast.Import):
                    yield from (("module", a.name) for a in node.names)
                elif (base := self.absolute(node)) is not None:
                    yield from (("star", base) if a.name == "*" else ("from", base, a.name) for a in node.names)
            for name, attrs, store in fact.refs:
                if name in self.bindings:
                    yield from (("use", b, attrs, store) for b in self.bindings[name])
                elif self.is_core and name in self.binders:
                    yield ("local", name)
            yield from fact.calls


_PARSED: dict[tuple[Path, str], Module] = {}


def parsed(path: Path, name: str) -> Module:
    """The module at ``path``, parsed once per content."""
    data = path.read_bytes()
    hit = _PARSED.get((path, name))
    if hit is None or hit.data != data:
        hit = _PARSED[(path, name)] = Module.parse(name, path, data)
    return hit


@dataclass
class Reach:
    """The closure of what one chapter reaches; see the module docstring."""

    root: Path
    files: set[Path] = field(default_factory=set)
    loaded: dict[str, Module] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)
    included: dict[str, set[int]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    _done: set[tuple[str, str]] = field(default_factory=set)
    _files: dict[str, Path | None] = field(default_factory=dict)
    _follow_dynamic: bool = True

    def module_file(self, name: str) -> Path | None:
        """The file of project module ``name`` (``a/b.py`` or ``a/b/__init__.py``), or None."""
        if name not in self._files:
            base = os.path.join(self.root, *name.split("."))
            found = next((c for c in (f"{base}.py", os.path.join(base, "__init__.py")) if os.path.isfile(c)), None)
            self._files[name] = None if found is None else Path(found)
        return self._files[name]

    def module_name(self, path: Path) -> str:
        if not path.is_relative_to(self.root):
            return path.stem
        parts = list(path.relative_to(self.root).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def add_file(self, path: Path, follow_dynamic: bool = True) -> None:
        """A project file taken whole, and everything it imports or reaches."""
        if path in self.files:
            return
        self.files.add(path)
        mod = parsed(path, self.module_name(path))
        previous, self._follow_dynamic = self._follow_dynamic, follow_dynamic
        try:
            self._replay(mod, mod.events())
        finally:
            self._follow_dynamic = previous

    def _load(self, name: str) -> None:
        """Import ``name`` and its parent packages, as Python would."""
        parts = name.split(".")
        for n in range(1, len(parts) + 1):
            prefix = ".".join(parts[:n])
            if parts[0] == CORE:
                self._load_core(prefix)
            elif parts[0] in _WHOLE_FILE_PACKAGES and (path := self.module_file(prefix)) is not None:
                self.add_file(path, self._follow_dynamic)

    def _load_core(self, name: str) -> None:
        if name in self.loaded or (path := self.module_file(name)) is None:
            return
        mod = self.loaded[name] = parsed(path, name)
        self.included[name] = set()
        for index in [*mod.header, *mod.effects]:
            self._include(mod, index)

    def _include(self, mod: Module, index: int) -> None:
        if index not in self.included[mod.name]:
            self.included[mod.name].add(index)
            self._replay(mod, mod.events(index))

    def _is_core_module(self, name: str) -> bool:
        return name.split(".")[0] == CORE and self.module_file(name) is not None

    def reach(self, module: str, name: str) -> None:
        """Top-level ``name`` of mathcore module ``module`` is used."""
        if (module, name) in self._done:
            return
        self._done.add((module, name))
        self._load_core(module)
        mod = self.loaded.get(module)
        if mod is None or module in self.whole:
            return
        if self._is_core_module(f"{module}.{name}"):
            self._load_core(f"{module}.{name}")
            return
        for bound in mod.bindings.get(name, []):  # a re-export: a module object leaves the module whole
            if bound[0] == "module" or self._is_core_module(".".join(bound[1:])):
                self.make_whole(bound[1] if bound[0] == "module" else ".".join(bound[1:]))
        if name not in mod.binders:
            self.make_whole(module)
            return
        self.names.setdefault(module, set()).add(name)
        for index in mod.binders[name]:
            self._include(mod, index)

    def make_whole(self, module: str) -> None:
        """Every statement of ``module`` (of every module under it, for a package) is an input."""
        self._load_core(module)
        mod = self.loaded.get(module)
        if mod is None or module in self.whole:
            return
        self.whole.add(module)
        if mod.is_package:
            for path in sorted(mod.path.parent.rglob("*.py")):
                self.make_whole(self.module_name(path))
        for index in range(len(mod.body)):
            self._include(mod, index)

    def _all_core(self) -> None:
        self.make_whole(CORE)

    def _use(self, bound: Binding, attrs: tuple[str, ...], store: bool) -> None:
        if bound[0] == "from" and not self._is_core_module(f"{bound[1]}.{bound[2]}"):
            self.reach(bound[1], bound[2])
            return
        current = bound[1] if bound[0] == "module" else f"{bound[1]}.{bound[2]}"
        self._load(current)
        for i, attr in enumerate(attrs):
            if self._is_core_module(f"{current}.{attr}"):
                current = f"{current}.{attr}"
                self._load(current)
                continue
            if store and i == len(attrs) - 1:
                self.make_whole(current)  # assigning to a module attribute
            else:
                self.reach(current, attr)
            return
        self.make_whole(current)  # the module object itself escapes

    def _replay(self, mod: Module, events: list[Event]) -> None:
        core = mod.is_core
        for event in events:
            kind = event[0]
            if kind == "module":
                self._load(event[1])
            elif kind == "from":
                self._load(event[1])
                sub = f"{event[1]}.{event[2]}"
                top = event[1].split(".")[0]
                if top in _WHOLE_FILE_PACKAGES or self._is_core_module(sub):
                    self._load(sub)
                elif top == CORE:
                    self.reach(event[1], event[2])
            elif kind == "star":
                self._load(event[1])
                if event[1].split(".")[0] == CORE:
                    self.make_whole(event[1])
            elif kind == "use":
                self._use(*event[1:])
            elif kind == "local" and core:
                self.reach(mod.name, event[1])
            elif kind == "introspection" and self._follow_dynamic:
                if core:
                    self.make_whole(mod.name)
                for bound in (b for bs in mod.bindings.values() for b in bs):
                    self._use(bound, (), False)
            elif kind == "dynamic_import" and self._follow_dynamic:
                prefix = event[1]
                if prefix is None or prefix.startswith(CORE) or CORE.startswith(prefix):
                    self._all_core()

    def material(self) -> bytes:
        """The reached mathcore source: per module (by name) its path and the reached statements in file order."""
        out = []
        for name in sorted(self.loaded):
            mod = self.loaded[name]
            rel = mod.path.relative_to(self.root) if mod.path.is_relative_to(self.root) else mod.path
            text = mod.data.decode("utf-8") if name in self.whole else "".join(
                mod.segment(i) for i in sorted(self.included[name]))
            out.append(f"{rel}\0{text}\0")
        return "".join(out).encode()


def chapter_reach(source: Path, root: Path) -> Reach:
    """What the chapter module at ``source`` reaches, in the project at ``root``."""
    reach = Reach(root)
    reach.add_file(source)
    return reach


def story_path(root: Path) -> Path:
    """The active story file (MLE2MAP_STORY, else the shipped one under ``root``)."""
    named = os.environ.get(STORY_ENV, "").strip()
    return Path(named) if named else root / SHIPPED_STORY


def _story_table(story: Path) -> dict[str, object]:
    """The story file as TOML, unchecked ({} when missing or broken: every command's check stops on it first)."""
    try:
        return tomllib.loads(story.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _story_csv(story: Path, table: dict[str, object]) -> Path | None:
    line = table.get("line")
    csv = line.get("csv") if isinstance(line, dict) else None
    return story.parent / csv if isinstance(csv, str) and csv.strip() else None


def story_files(root: Path) -> set[Path]:
    """The active story's files (mathcore/story.py: ``MLE2MAP_STORY``, else the shipped story under ``root``) and
    the CSV its ``[line] csv`` names."""
    story = story_path(root)
    csv = _story_csv(story, _story_table(story))
    return {p for p in (story, csv) if p is not None and p.is_file()}


_PARAMETERS = {("module", f"{CORE}.parameters"), ("from", CORE, "parameters")}


def _story_uses(module: Module, indices: Iterable[int]) -> Iterator[tuple[str, ...]]:
    """The story paths (section, key) the statements read off ``mathcore.parameters.STORY``; () for a bare use."""
    own = module.name == f"{CORE}.parameters"
    for index in indices:
        if own and index in module.binders.get("STORY", ()):
            continue  # STORY = load_story()
        for name, attrs, _ in module.facts[index].refs:
            if own and name == "STORY" and name not in module.bindings:
                yield attrs[:2]
            for bound in module.bindings.get(name, ()):
                if bound in _PARAMETERS and attrs[:1] == ("STORY",):
                    yield attrs[1:3]
                elif bound == ("from", f"{CORE}.parameters", "STORY"):
                    yield attrs[:2]


def story_material(found: Reach) -> bytes:
    """The values of the active story a chapter reads (``STORY.section.key`` in the code it reaches; the whole section
    for ``STORY.section`` or an attribute that is not one of its keys; for a bare use of STORY, the whole story and
    its CSV), so an edit re-renders only the chapters reading it."""
    uses: set[tuple[str, ...]] = set()
    for name, mod in found.loaded.items():
        uses.update(_story_uses(mod, sorted(found.included[name])))
    for path in found.files:
        mod = parsed(path, found.module_name(path))
        uses.update(_story_uses(mod, range(len(mod.body))))
    story = story_path(found.root)
    table = _story_table(story)
    csv = _story_csv(story, table)
    if () in uses:
        return b"".join(p.read_bytes() + b"\0" for p in (story, csv) if p is not None and p.is_file())
    renamed = {field: key for key, field in RENAMED_KEYS.items()}
    values: dict[str, object] = {}
    for use in sorted(uses):
        section = table.get(use[0])
        key = renamed.get(use[1], use[1]) if len(use) > 1 else None
        whole = not isinstance(section, dict) or key not in section  # a derived attribute: the whole section
        values[use[0] if whole else ".".join(use)] = section if whole else section[key]  # type: ignore[index]
        if use[0] == "line" and (whole or key in ("x", "y", "csv")) and csv is not None and csv.is_file():
            values["line.csv file"] = csv.read_bytes().hex()
    return json.dumps(values, sort_keys=True, default=repr).encode()


def render_base(root: Path) -> set[Path]:
    """Files every chapter render depends on whatever it imports: manim.cfg, the delivery encoder settings
    (production/quality.py) and the worker with the project modules it imports."""
    reach = Reach(root)
    reach.add_file(root / "production" / "rendering" / "worker.py", follow_dynamic=False)
    return {*reach.files, *(p for p in (root / "manim.cfg", root / "production" / "quality.py") if p.is_file())}

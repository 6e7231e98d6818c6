"""The house's layers only point down: every import of the package, lazy ones included.

Each module of ``nemo_widgets`` is parsed (not imported); every ``import`` in it counts, also
those inside functions (the lazy ones) and the package ``__init__``'s table of lazily loaded
names. Only imports under ``if TYPE_CHECKING:`` are left out: they never run. A module may
import its own layer or a lower one, never a higher one, and no two modules may import each
other through any chain. docs/architecture.md draws the same order.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "nemo_widgets"

# Lowest first. A module belongs to the first layer with a prefix that names it or its package.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "base",
        (
            "nemo_widgets._version",
            "nemo_widgets._secret",
            "nemo_widgets.paths",
            "nemo_widgets.formats",
            "nemo_widgets.runtime",
            "nemo_widgets.timeline",
        ),
    ),
    ("protocol", ("nemo_widgets.protocol",)),
    ("config", ("nemo_widgets.config",)),
    ("engine", ("nemo_widgets.engine",)),
    ("backend", ("nemo_widgets.backend",)),
    ("client", ("nemo_widgets.api",)),
    ("assistant", ("nemo_widgets.assistant",)),
    ("widget", ("nemo_widgets.widget",)),
    ("workflows", ("nemo_widgets.workflows",)),
    ("cli", ("nemo_widgets.cli",)),
    ("public face", ("nemo_widgets",)),
]
# Pairs that must never meet even where the order would allow it: the client and the engine
# talk over HTTP only (`backend` starts the engine and hands the client its URL).
APART = [("nemo_widgets.api", "nemo_widgets.engine"), ("nemo_widgets.engine", "nemo_widgets.api")]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> dict[str, int]:
    """The package's modules ``name`` imports (anywhere in it), each with its first line."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target.split(".")[0] == "nemo_widgets" and target != name:
            found.setdefault(resolve(target), line)

    for node in walk_running(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(package, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in MODULES else base, node.lineno)
    if path.name == "__init__.py":
        for target, line in lazy_table(tree, package):
            add(target, line)
    return found


def walk_running(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    nodes = []
    todo = [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return nodes


def absolute(package: str, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = package.split(".")
    parts = parts[: len(parts) - level + 1]
    return ".".join([*parts, *([module] if module else [])])


def lazy_table(tree: ast.Module, package: str) -> list[tuple[str, int]]:
    """The modules named in a ``_LAZY = {"Name": ".module", ...}`` table (PEP 562 loading)."""
    found = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in targets):
                for value in node.value.values:
                    assert isinstance(value, ast.Constant) and isinstance(value.value, str)
                    dots = len(value.value) - len(value.value.lstrip("."))
                    target = absolute(package, dots, value.value[dots:] or None)
                    found.append((target, value.lineno))
    return found


def resolve(target: str) -> str:
    """The module itself, or the nearest package of it that exists (``a.b.Name`` -> ``a.b``)."""
    while target not in MODULES and "." in target:
        target = target.rpartition(".")[0]
    return target


def layer_of(name: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{MODULES[name]}: in no layer; add it to LAYERS in {__file__}")


GRAPH = {name: imports_of(name) for name in MODULES}


def where(name: str, target: str) -> str:
    return f"{MODULES[name].relative_to(ROOT)}:{GRAPH[name][target]} imports {target}"


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


def test_imports_only_point_down():
    upward = [
        f"{where(name, target)} ({LAYERS[layer_of(name)][0]} -> {LAYERS[layer_of(target)][0]})"
        for name, targets in GRAPH.items()
        for target in targets
        if layer_of(target) > layer_of(name)
    ]
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_the_client_and_the_engine_never_import_each_other():
    crossing = [
        where(name, target)
        for name, targets in GRAPH.items()
        for target in targets
        for low, high in APART
        if name.startswith(low) and (target == high or target.startswith(high + "."))
    ]
    assert not crossing, "\n".join(crossing)


def test_no_import_cycles():
    cycles = [component for component in strongly_connected(GRAPH) if len(component) > 1]
    shown = [
        " -> ".join(str(MODULES[name].relative_to(ROOT)) for name in sorted(component))
        for component in cycles
    ]
    assert not cycles, "modules that import each other:\n" + "\n".join(shown)


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph has a few hundred modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def test_the_walk_sees_lazy_imports():
    """The walk would miss nothing it must see: imports inside functions and the lazy table."""
    assert "nemo_widgets.engine.server" in GRAPH["nemo_widgets.backend"]  # inside running()
    assert "nemo_widgets.widget" in GRAPH["nemo_widgets"]  # the __init__'s _LAZY table
    assert strongly_connected({"a": {"b": 1}, "b": {"a": 2}, "c": {}}) != [["a"], ["b"], ["c"]]


WIDGET = ["anywidget", "ipywidgets", "traitlets", "nemo_widgets.widget"]
CLIENT = ["httpx", "nemo_widgets.api"]


@pytest.mark.parametrize(
    ("modules", "banned"),
    [
        # The render child (a process per export) and the renderer it loads: no client, no widget.
        (["nemo_widgets.engine.render_child", "nemo_widgets.engine.render"], CLIENT + WIDGET),
        # The engine fetches URL uploads with httpx, but never loads our client or a widget.
        (["nemo_widgets.engine.server"], ["nemo_widgets.api", *WIDGET]),
    ],
)
def test_the_engine_loads_no_client_and_no_widget(modules, banned):
    code = f"import sys, {', '.join(modules)}; print([m for m in {banned!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", f"{modules} load {done.stdout.strip()}"

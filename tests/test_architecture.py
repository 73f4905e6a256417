"""The package's layers: every import runs downward, and no modules import each other in a ring.

Each component (a module or a package of the house) sits on a layer; a module may import from its
own component or from a component on a lower layer, never from one beside it or above it. Imports
inside functions count too: a deferred import is still a dependency. The layers, from the bottom:

    base        errors, model, contracts, prose, pandoc, doctree, templating, inputs, outputs,
                progress, workers, editorial, footnotes, validate, project, sanitise, limits,
                profiles, opener (what a text's opener says), credits (translations, sources, dates)
    readers     sources (one reader per format), passes (what the manifest's `cleaning:` names),
                typography (house style)
    manifest    the validated Book
    book        cache, assemble, report
    apparatus   notes, anchors, glossary, index, preface, reading plan
    render      what both editions share (render.pages, render.weasy, …)
    editions    render.epub, render.pdf
    pipeline    the build, stage by stage; adding a text to the project and the manifest
    cli         build.py's commands; preload (what the workers' fork server loads before it forks them)
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "anthology"

LAYERS: list[list[str]] = [
    ["anthology.errors", "anthology.model", "anthology.contracts", "anthology.prose", "anthology.pandoc",
     "anthology.doctree", "anthology.templating", "anthology.inputs", "anthology.outputs", "anthology.progress",
     "anthology.workers", "anthology.editorial", "anthology.footnotes", "anthology.validate", "anthology.project",
     "anthology.sanitise", "anthology.limits", "anthology.profiles", "anthology.opener", "anthology.credits",
     "anthology"],
    ["anthology.sources", "anthology.passes", "anthology.typography"],
    ["anthology.manifest"],
    ["anthology.cache", "anthology.assemble", "anthology.report"],
    ["anthology.apparatus"],
    ["anthology.render"],
    ["anthology.render.epub", "anthology.render.pdf"],
    ["anthology.editions", "anthology.pipeline", "anthology.adding"],
    ["anthology.cli", "anthology.preload"],
]
BASE = LAYERS[0]
"""The base layer's modules are each their own component; they may import each other (no ring)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports anywhere in its code (function bodies too)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name}
    return found


def component(name: str) -> tuple[int, str]:
    """The layer and the component a module belongs to: the longest declared prefix."""
    best = None
    for layer, names in enumerate(LAYERS):
        for prefix in names:
            if name == prefix or name.startswith(prefix + "."):
                if best is None or len(prefix) > len(best[1]):
                    best = (layer, prefix)
    assert best is not None, f"{name} is on no layer: add it to LAYERS in tests/test_architecture.py"
    return best


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def test_every_module_is_on_a_layer():
    for name in modules():
        component(name)


def test_imports_run_downward():
    upward = []
    for name, targets in graph().items():
        layer, own = component(name)
        for target in targets:
            target_layer, target_component = component(target)
            if target_component == own or (name.startswith(target + ".") and target_component != own):
                continue  # a module's own package (its __init__) is where it lives, not a dependency
            if target_layer < layer:
                continue
            if target_layer == layer == 0 and own != "anthology" and target_component != "anthology":
                continue  # base modules import each other; the ring test below holds them
            upward.append(f"{name} -> {target}")
    assert not upward, "imports that do not run downward:\n" + "\n".join(sorted(upward))


def _rings(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan)."""
    index, low, on_stack, stack, rings, counter = {}, {}, set(), [], [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                rings.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return rings


def test_no_module_imports_ring():
    edges = {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in graph().items()}
    rings = _rings(edges)
    assert not rings, "modules that import each other:\n" + "\n".join(" <-> ".join(r) for r in rings)


def test_no_package_imports_ring():
    edges: dict[str, set[str]] = defaultdict(set)
    for name, targets in graph().items():
        own = component(name)[1]
        for target in targets:
            other = component(target)[1]
            if other != own and not name.startswith(target + "."):
                edges[own].add(other)
    rings = _rings(edges)
    assert not rings, "components that import each other:\n" + "\n".join(" <-> ".join(r) for r in rings)


def test_the_checker_sees_a_function_level_upward_import(tmp_path):
    """The checker itself: a deferred import inside a function is found."""
    module = tmp_path / "anthology" / "errors.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from .pipeline import build\n    return build\n")
    assert imports_of("anthology.errors", module, {"anthology.pipeline"}) == {"anthology.pipeline"}

"""Private names of graphql-core, strawberry and tortoise are reached in one module per library family:
graphql_engine/compat.py (graphql-core, strawberry) and core/orm_compat.py (tortoise, which services use without any
GraphQL). Any other module of src/umkm_graph that reaches one fails here.

What counts as reaching a private name:
- importing a library's non-public module: a path with a part starting with "_"; for graphql-core any module below its
  documented subpackages (graphql, graphql.language, .error, .type, .validation, .execution, .utilities: each
  re-exports its public names), so graphql.pyutils and graphql.execution.collect_fields too; for strawberry its schema
  internals (strawberry.schema.*, except the documented strawberry.schema.config);
- importing a name starting with "_" from a library;
- an attribute `x._name`, or one given by name (getattr, setattr, hasattr, delattr, object.__setattr__), when `_name`
  is a library's. (A string elsewhere is data, such as the federation field `_entities`.)

How a library's private name is told from one of our own: the library's source uses the name, and our code never
defines it (as a function, class, variable, parameter, import alias or `self.`/`cls.` attribute). A name both define is
taken as ours (events_redis's `_channel`, for one): the check misses such a library name, and never flags our own.
"""

from __future__ import annotations

import pytest

import ast
import functools
import importlib.metadata
import importlib.util
import inspect
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from strawberry.asgi import GraphQL

from umkm_graph.graphql_engine.compat import VIEW_HOOKS

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "umkm_graph"
FAMILIES = {"umkm_graph.graphql_engine.compat": {"graphql", "strawberry"}, "umkm_graph.core.orm_compat": {"tortoise"}}
LIBRARIES = ("graphql", "strawberry", "tortoise")
GRAPHQL_PUBLIC = {"graphql", *(f"graphql.{sub}" for sub in ("language", "error", "type", "validation", "execution",
                                                            "utilities"))}
# Modules outside this engineer's part that still reach tortoise internals: each to call orm_compat instead (named
# here), then to leave this list; the test fails when one is clean, so the list only shrinks.
PENDING: dict[str, str] = {}  # modules still to move behind compat, with what to call instead
BY_NAME = {"getattr", "setattr", "hasattr", "delattr", "__setattr__", "__getattribute__"}  # an attribute given by name
_PRIVATE = re.compile(r"\b(_[A-Za-z]\w*)")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@functools.cache
def library_names() -> dict[str, frozenset[str]]:
    """Every private identifier each library's source uses."""
    found = {}
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        assert spec is not None and spec.origin is not None
        names: set[str] = set()
        for path in Path(spec.origin).parent.rglob("*.py"):
            names.update(n for n in _PRIVATE.findall(path.read_text(errors="ignore")) if _private(n))
        found[library] = frozenset(names)
    return found


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(), str(path))


@functools.cache
def our_names() -> frozenset[str]:
    """The private names our own code defines."""
    names: set[str] = set()
    for _, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias) and node.asname:
                names.add(node.asname)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                names.add(node.attr)
    return frozenset(n for n in names if _private(n))


def internal_module(module: str) -> bool:
    library, *rest = module.split(".")
    if any(_private(part) for part in rest):
        return True
    if library == "graphql":
        return module not in GRAPHQL_PUBLIC
    if library == "strawberry":
        return module.startswith("strawberry.schema.") and module != "strawberry.schema.config"
    return False


def reached(tree: ast.Module) -> Iterator[tuple[int, str, set[str]]]:
    """(line, what, the libraries it belongs to) for every private name of a library this module reaches."""
    libraries, ours = library_names(), our_names()

    def owners(name: str) -> set[str]:
        return set() if name in ours else {library for library, names in libraries.items() if name in names}

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in imported:
                library = module.split(".")[0]
                if library in LIBRARIES and internal_module(module):
                    yield node.lineno, f"import of {module}", {library}
                if isinstance(node, ast.ImportFrom) and library in LIBRARIES:
                    for alias in node.names:
                        if _private(alias.name):
                            yield node.lineno, f"{module}.{alias.name}", {library}
        elif isinstance(node, ast.Attribute) and _private(node.attr) and owners(node.attr):
            yield node.lineno, f"._{node.attr[1:]}", owners(node.attr)
        elif isinstance(node, ast.Call) and _called(node.func) in BY_NAME and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and _private(name.value):
                if owners(name.value):
                    yield node.lineno, repr(name.value), owners(name.value)


def _called(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def test_only_the_compat_modules_reach_private_names_of_graphql_core_strawberry_and_tortoise() -> None:
    leaks, pending_clean = [], set(PENDING)
    for module, tree in modules():
        family = FAMILIES.get(module, set())
        for line, what, owners in reached(tree):
            if owners & family:
                continue
            if module in PENDING:
                pending_clean.discard(module)
                continue
            leaks.append(f"{module}:{line}: {what} ({', '.join(sorted(owners))})")
    assert not leaks, "reach these through graphql_engine/compat.py or core/orm_compat.py:\n" + "\n".join(leaks)
    assert not pending_clean, f"no longer reach private names; take them off PENDING: {sorted(pending_clean)}"


def test_the_check_sees_each_kind_of_reach() -> None:
    """The rules above, on a module written to break each of them (and on names of our own, which pass)."""
    sample = ast.parse(
        "from graphql.pyutils import Path\n"
        "from strawberry.schema.schema_converter import GraphQLCoreConverter\n"
        "from tortoise.models import _get_comments\n"
        "db = Product._meta.db\n"
        "raw = info._raw_info\n"
        "getattr(resolve, '_is_default', False)\n"
        "self._channel = None\n"
        "from graphql.language import Lexer\n"
        "from strawberry.schema.config import StrawberryConfig\n"
    )
    found = {line: owners for line, _, owners in reached(sample)}
    expected = {1: "graphql", 2: "strawberry", 3: "tortoise", 4: "tortoise", 5: "strawberry", 6: "strawberry"}
    assert sorted(found) == sorted(expected), found
    assert all(expected[line] in owners for line, owners in found.items()), found


def test_the_compat_modules_say_the_versions_pyproject_pins() -> None:
    """Each library whose internals are reached is pinned below its next minor version, and installed within the pin."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    docs = {module: importlib.import_module(module).__doc__ or "" for module in FAMILIES}
    for distribution, module in (("strawberry-graphql", "umkm_graph.graphql_engine.compat"),
                                 ("graphql-core", "umkm_graph.graphql_engine.compat"),
                                 ("tortoise-orm", "umkm_graph.core.orm_compat")):
        (pin,) = [d for d in dependencies if re.match(rf"{distribution}(\[\w+\])?[<>=]", d)]
        low, high = re.search(r">=([\d.]+),<([\d.]+)$", pin).groups()  # type: ignore[union-attr]
        installed = importlib.metadata.version(distribution)
        assert low == installed and high.count(".") == low.count(".") - 1, (pin, installed)
        assert f"{distribution} {installed}" in docs[module] and pin.replace("[accel]", "") in docs[module].replace(
            "[accel]", ""), (module, pin)


def test_the_view_methods_the_pipeline_overrides_still_take_what_strawberry_passes() -> None:
    for method, parameters in VIEW_HOOKS.items():
        assert set(inspect.signature(getattr(GraphQL, method)).parameters) - {"self"} == parameters, method

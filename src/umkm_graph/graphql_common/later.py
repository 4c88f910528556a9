"""A later domain's GraphQL type, reached lazily: an earlier domain's module never imports a later one's (import-linter
holds the order), so its fields name the type as an annotation and its resolvers take the class at run time."""

from __future__ import annotations

import functools
from typing import Any

import strawberry


@functools.cache
def later_class(module: str, name: str) -> type[Any]:
    """The class `name` of GraphQL module `module`, imported on first use (strawberry resolves the annotation alike)."""
    return strawberry.LazyType(name, module).resolve_type()

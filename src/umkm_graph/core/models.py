"""The base of every model: tortoise's Model, without reading each model's source at import.

tortoise looks for `#:` comments above fields with inspect.getsource, which parses the model's whole module again: a
few tens of milliseconds of every server's start. Our models have no `#:` comments: their docstrings say it."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model as TortoiseModel
from tortoise.models import ModelMeta


class _NoCommentsMeta(ModelMeta):
    def __new__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> ModelMeta:
        attrs.setdefault("_no_comments", True)
        return super().__new__(cls, name, bases, attrs)


class Model(TortoiseModel, metaclass=_NoCommentsMeta):
    class Meta:
        abstract = True

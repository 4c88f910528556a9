"""The base of every model: tortoise's Model, without reading each model's source at import.

tortoise looks for `#:` comments above fields with inspect.getsource, which parses the model's whole module again: a
few tens of milliseconds of every server's start. Our models have no `#:` comments: their docstrings say it."""

from __future__ import annotations

from tortoise.models import Model as TortoiseModel

from umkm_graph.core.orm_compat import SourceFreeModelMeta


class Model(TortoiseModel, metaclass=SourceFreeModelMeta):
    class Meta:
        abstract = True

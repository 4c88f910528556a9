from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Upload(Model):
    """An image someone sent, kept as WebP renditions under its sha256 (uploads/storage.py), attached by its owner."""

    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("models.User", related_name="uploads", db_index=True)
    sha256 = fields.CharField(max_length=64, db_index=True)
    width = fields.IntField()
    height = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "uploads"

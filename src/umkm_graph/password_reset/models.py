"""One-time codes to set a new password without the old one."""

from __future__ import annotations

from tortoise import fields

from umkm_graph.core.models import Model


class PasswordReset(Model):
    """A code sent to an account's own email or phone. Only its SHA-256 is kept: the code has 128 random bits, so a
    fast hash suffices, and a database reader learns nothing usable."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="password_resets", on_delete=fields.CASCADE,
                                  db_index=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)  # used, or made void when another code of the account was used
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "password_resets"

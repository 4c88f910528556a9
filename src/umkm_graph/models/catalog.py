"""The catalog: shops, a small category tree, and products with their stock."""

from __future__ import annotations

import enum

from tortoise import fields
from umkm_graph.models.base import Model


class ShopStatus(str, enum.Enum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"


class ProductUnit(str, enum.Enum):
    KG = "KG"
    LITRE = "LITRE"
    PIECE = "PIECE"
    TRAY = "TRAY"
    PACK = "PACK"


class Shop(Model):
    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("models.User", related_name="shops", db_index=True)
    name = fields.CharField(max_length=120)
    slug = fields.CharField(max_length=140, unique=True)
    description = fields.TextField(default="")
    kecamatan = fields.CharField(max_length=32, db_index=True)
    kelurahan = fields.CharField(max_length=32)
    address = fields.CharField(max_length=255)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    phone = fields.CharField(max_length=20)
    nib = fields.CharField(max_length=13)
    npwp = fields.CharField(max_length=16, null=True)
    status = fields.CharEnumField(ShopStatus, max_length=16, default=ShopStatus.PENDING, db_index=True)
    status_reason = fields.CharField(max_length=500, null=True)
    offers_pickup = fields.BooleanField(default=True)
    # Flat fee in rupiah for the shop's own delivery, per destination kecamatan; absent means no delivery there.
    delivery_fees: dict[str, int] = fields.JSONField(default=dict)  # type: ignore[assignment]
    rating_sum = fields.IntField(default=0)
    review_count = fields.IntField(default=0)
    rating = fields.FloatField(default=0.0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shops"


class Category(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64)
    parent = fields.ForeignKeyField("models.Category", related_name="children", null=True, db_index=True)

    class Meta:
        table = "categories"


class Product(Model):
    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="products", db_index=True)
    category = fields.ForeignKeyField("models.Category", related_name="products", db_index=True)
    name = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    unit = fields.CharEnumField(ProductUnit, max_length=8)
    pack_size = fields.DecimalField(max_digits=10, decimal_places=3, default=1)
    # Net weight of one pack, so a tray of eggs can still be compared per kg.
    net_weight_grams = fields.IntField(null=True)
    price = fields.BigIntField()
    stock = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True, db_index=True)
    image_urls: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    # Kept by the reviews service in the review's transaction; rating = rating_sum / review_count, 0 when unrated.
    rating_sum = fields.IntField(default=0)
    review_count = fields.IntField(default=0)
    rating = fields.FloatField(default=0.0)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "products"

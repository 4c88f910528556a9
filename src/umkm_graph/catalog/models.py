"""The catalog: a small category tree, products with their variants (each its own price and stock), and the history of
every price."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.indexes import Index

from umkm_graph.core.models import Model


class ProductUnit(str, enum.Enum):
    KG = "KG"
    LITRE = "LITRE"
    PIECE = "PIECE"
    TRAY = "TRAY"
    PACK = "PACK"


class PriceUnit(str, enum.Enum):
    """What a normalised price is per, so packs of different sizes compare."""

    KG = "KG"
    LITRE = "LITRE"


class Category(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64)
    parent = fields.ForeignKeyField("models.Category", related_name="children", null=True, db_index=True)

    class Meta:
        table = "categories"


class Product(Model):
    """A listing. Its price, pack and stock columns summarise its active variants (catalog/variants.py keeps them in the
    variants' transaction), so listings sort and filter without reading variants: price, pack size and net weight are
    the cheapest variant's, price_max the dearest's, stock all of theirs, unit_price the best per kg or litre."""

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
    price_max = fields.BigIntField(null=True)  # null until the summary is first written
    stock = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True, db_index=True)
    image_urls: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    # Kept by the reviews service in the review's transaction; rating = rating_sum / review_count, 0 when unrated.
    rating_sum = fields.IntField(default=0)
    review_count = fields.IntField(default=0)
    rating = fields.FloatField(default=0.0)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Price per kg or litre (catalog.service.price_per_base_unit), kept with the price, so listings sort and filter by it.
    unit_price = fields.BigIntField(null=True)
    unit_price_per = fields.CharEnumField(PriceUnit, max_length=8, null=True)

    class Meta:
        table = "products"
        indexes = (Index(fields=("unit_price",)),)


class ProductVariant(Model):
    """What a buyer picks and a shop counts: one pack of a product (5 kg or 25 kg, medium or premium), with its own price,
    stock and SKU. Stock is taken from here; an order line, a cart line and a price change name their variant."""

    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("models.Product", related_name="variants", db_index=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="variants")  # the product's, for unique SKUs per shop
    label = fields.CharField(max_length=60, default="")  # e.g. 5 kg, premium; empty for a product's only variant
    sku = fields.CharField(max_length=40, null=True)
    pack_size = fields.DecimalField(max_digits=10, decimal_places=3, default=1)
    net_weight_grams = fields.IntField(null=True)
    price = fields.BigIntField()
    stock = fields.IntField(default=0)
    unit_price = fields.BigIntField(null=True)  # per kg or litre, as Product.unit_price
    unit_price_per = fields.CharEnumField(PriceUnit, max_length=8, null=True)
    is_active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)  # the seller's order
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "product_variants"
        unique_together = (("shop", "sku"),)


class ProductSearch(Model):
    """A product's words as search reads them (catalog/search_text.py), written in the product's own transaction.

    The databases index them: PostgreSQL a tsvector column, SQLite an FTS5 table (catalog/search_schema.py)."""

    product_id = fields.IntField(primary_key=True, generated=False)
    name_words = fields.TextField()  # the name's, which rank above the rest
    words = fields.TextField()  # name, description and category
    grams = fields.IntField(null=True)  # the pack's weight or volume, for "5kg" and "1L"
    millilitres = fields.IntField(null=True)

    class Meta:
        table = "product_search"


class SearchWord(Model):
    """Every word listings have used: the vocabulary that typos are corrected against (through trigram indexes)."""

    word = fields.CharField(max_length=64, primary_key=True)

    class Meta:
        table = "search_words"


class PriceChange(Model):
    """One price a listing had from a moment on: written with the product, and again whenever its price changes."""

    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("models.Product", related_name="price_changes", db_index=True)
    variant = fields.ForeignKeyField("models.ProductVariant", related_name="price_changes", null=True, db_index=True)
    price = fields.BigIntField()  # of one pack
    unit_price = fields.BigIntField(null=True)  # per kg or litre, rounded half up; null when the unit allows none
    per = fields.CharEnumField(PriceUnit, max_length=8, null=True)
    changed_by = fields.ForeignKeyField(
        "models.User", related_name="price_changes_made", null=True, on_delete=fields.SET_NULL
    )
    changed_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "price_changes"


class ProductCertificate(Model):
    """Which products a shop's certificate covers: the product shows the certificate's badge while the badge holds."""

    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("models.Product", related_name="certificate_links", db_index=True)
    certificate = fields.ForeignKeyField("models.ShopCertificate", related_name="product_links", db_index=True)

    class Meta:
        table = "product_certificates"
        unique_together = (("product", "certificate"),)


class ProductPhoto(Model):
    """One of a product's photos (an upload of its seller's), in the seller's order."""

    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("models.Product", related_name="photos", db_index=True)
    upload = fields.ForeignKeyField("models.Upload", related_name="product_photos")
    position = fields.IntField()

    class Meta:
        table = "product_photos"
        unique_together = (("product", "position"),)

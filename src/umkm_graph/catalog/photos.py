"""A product's photos: its seller's own uploads (uploads/), in the order the seller gives; set as a whole list, so
reordering and removing are the same call."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.models import Product, ProductPhoto
from umkm_graph.catalog.service import get_owned_product
from umkm_graph.people.models import User
from umkm_graph.uploads.models import Upload
from umkm_graph.uploads.service import own_uploads

MAX_PHOTOS = 10


async def set_product_photos(user: User | None, product_id: int, upload_ids: Sequence[int]) -> Product:
    """The product's photos become these uploads of its seller's, in this order; an empty list removes them all."""
    product = await get_owned_product(user, product_id)
    chosen = await own_uploads(user, upload_ids, "uploadIds", MAX_PHOTOS)  # type: ignore[arg-type]
    async with in_transaction():
        await ProductPhoto.filter(product_id=product.id).delete()
        await ProductPhoto.bulk_create([ProductPhoto(product_id=product.id, upload_id=upload.id, position=index)
                                        for index, upload in enumerate(chosen)])
    await changes.changed(changes.Entity.PRODUCT)
    return product


async def photos_of_products(product_ids: Sequence[int]) -> list[list[Upload]]:
    """Each product's photos' uploads, in order, in the order of the ids (a loader's batch function)."""
    found: dict[int, list[Upload]] = {}
    rows = await ProductPhoto.filter(product_id__in=list(product_ids)).order_by("product_id", "position") \
        .select_related("upload")
    for row in rows:
        found.setdefault(row.product_id, []).append(row.upload)  # type: ignore[attr-defined]
    return [found.get(i, []) for i in product_ids]

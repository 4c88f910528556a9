"""Photos: a seller sends an image to POST /uploads and makes it a product's photo with setProductPhotos; the API reads
the file by its content, turns it upright, strips what the phone wrote into it (GPS), and serves standard WebP sizes,
cached for good. Bad files, others' uploads, too many, too large and too often are refused, each saying why. Every
test runs on both storages: local disk (the default) and an S3-compatible bucket."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from tests.helpers.api import serve
from tests.helpers.catalog import add_product
from tests.helpers.checkout import market
from tests.helpers.people import sign_up
from tests.helpers.uploads import phone_jpeg, png, send, upload
from umkm_graph.settings import Settings
from umkm_graph.uploads.models import Upload

SET = """mutation($product: ID!, $uploads: [ID!]!) { setProductPhotos(productId: $product, uploadIds: $uploads) {
  product { photos { id width height thumb: url(size: THUMB) large: url(size: LARGE) } } errors { code field } } }"""
PHOTOS = "query($id: ID!) { product(id: $id) { photos { id url } } }"


@pytest.fixture(params=["local", "s3"])
def settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The suite's settings, keeping uploads on local disk or in the test bucket."""
    if request.param == "local":
        return settings
    return request.getfixturevalue("s3").settings(settings)  # type: ignore[no-any-return]


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_a_sellers_photo_is_served_upright_as_webp_sizes_without_the_phones_gps(settings: Settings) -> None:
    async with serve(settings) as api:
        m = await market(api)
        portrait = await upload(api, m.seller, phone_jpeg(400, 300, orientation=6))  # the phone was held upright
        flat = await upload(api, m.seller, png())
        answer = await api.ok(SET, {"product": m.beras["id"], "uploads": [portrait, flat]}, m.seller.token)
        photos = answer["product"]["photos"]
        assert [(p["id"], p["width"], p["height"]) for p in photos] == [(portrait, 300, 400), (flat, 300, 300)]
        served = await api.client.get(photos[0]["large"])
        assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
        assert "immutable" in served.headers["cache-control"]
        image = decoded(served.content)
        assert (image.format, image.size) == ("WEBP", (300, 400))  # never enlarged past the original
        assert "exif" not in image.info and len(image.getexif()) == 0
        thumb = decoded((await api.client.get(photos[0]["thumb"])).content)
        assert max(thumb.size) == 200
        assert (await api.gql(PHOTOS, {"id": m.beras["id"]}))["product"]["photos"][1]["id"] == flat  # public, in order
        cleared = await api.ok(SET, {"product": m.beras["id"], "uploads": []}, m.seller.token)
        assert cleared["product"]["photos"] == []
        assert (await api.client.get("/media/" + "0" * 64 + "/large.webp")).status_code == 404


async def test_what_is_not_a_usable_image_is_refused_saying_why(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, upload_max_bytes=200_000, uploads_per_hour=4)) as api:
        seller = await sign_up(api, "SELLER")
        for data, code in [(b"", "REQUIRED"), (b"GIF89a not really", "INVALID"), (b"%PDF-1.7 renamed.jpg", "INVALID"),
                           (phone_jpeg(40, 40), "INVALID"), (phone_jpeg()[:200], "INVALID")]:
            status, body = await send(api, seller, data)
            assert (status, body["error"]["code"], body["error"]["field"]) == (400, code, ["file"]), body
        status, body = await send(api, None, phone_jpeg())
        assert (status, body["error"]["code"]) == (401, "UNAUTHENTICATED")
        too_large = await api.client.post("/uploads", content=b"\xff" * 200_001,
                                          headers={"Authorization": f"Bearer {seller.token}"})
        assert too_large.status_code == 413
        for _ in range(4):
            await upload(api, seller)
        status, body = await send(api, seller, phone_jpeg())
        assert (status, body["error"]["code"]) == (429, "RATE_LIMITED")


PHP_AS_JPEG = b"\xff\xd8\xff\xe0<?php system($_GET['c']); ?>"  # a JPEG's first bytes, then a web shell
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def decompression_bomb() -> bytes:
    """A PNG of a few kilobytes that would decode to 100 megapixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


async def test_hostile_files_are_refused_before_anything_is_kept(settings: Settings) -> None:
    async with serve(settings) as api:
        seller = await sign_up(api, "SELLER")
        bomb = decompression_bomb()
        assert len(bomb) < 100_000
        for data in (PHP_AS_JPEG, SVG_WITH_SCRIPT, bomb):
            status, body = await send(api, seller, data)
            assert (status, body["error"]["code"], body["error"]["field"]) == (400, "INVALID", ["file"]), body
        assert "megapixels" in (await send(api, seller, bomb))[1]["error"]["message"]
        huge = await api.client.post("/uploads", content=b"\0" * 50_000_000,
                                     headers={"Authorization": f"Bearer {seller.token}"})
        assert huge.status_code == 413  # refused by its declared length, before its body is read
        assert (await api.gql("{ me { id } }", token=seller.token))["me"]  # the server is fine
        assert await Upload.filter(owner_id=int(seller.id)).count() == 0  # nothing kept of any of them


async def test_only_the_products_seller_sets_its_photos_and_only_from_their_own_uploads(settings: Settings) -> None:
    async with serve(settings) as api:
        m = await market(api)
        theirs = await upload(api, m.other_seller)
        mine = await upload(api, m.seller)
        others = await api.fails(SET, {"product": m.beras["id"], "uploads": [mine, theirs]}, m.seller.token)
        assert [(e["code"], e["field"]) for e in others] == [("NOT_FOUND", ["uploadIds", "1"])]
        twice = await api.fails(SET, {"product": m.beras["id"], "uploads": [mine, mine]}, m.seller.token)
        assert [(e["code"], e["field"]) for e in twice] == [("INVALID", ["uploadIds"])]
        not_theirs = await api.fails(SET, {"product": m.beras["id"], "uploads": [theirs]}, m.other_seller.token)
        assert [e["code"] for e in not_theirs] == ["NOT_FOUND"]
        many = [await upload(api, m.seller) for _ in range(10)] + [mine]
        too_many = await api.fails(SET, {"product": m.beras["id"], "uploads": many}, m.seller.token)
        assert [(e["code"], e["field"]) for e in too_many] == [("INVALID", ["uploadIds"])]
        other = await add_product(api, m.seller, m.shop["id"], name="Gula Pasir 1 kg", price=17500, stock=5)
        assert (await api.ok(SET, {"product": other["id"], "uploads": [mine]}, m.seller.token))["product"]["photos"]
        assert (await api.gql(PHOTOS, {"id": m.beras["id"]}))["product"]["photos"] == []  # nothing half-written

"""Photos in an S3-compatible bucket: kept under the configured prefix with the cache headers /media sends, served from
the bucket's own address when UMKM_MEDIA_PUBLIC_URL points there, and a bucket that refuses or cannot be reached is a
503 that keeps nothing. No answer, header or log line ever carries the access keys."""

from __future__ import annotations

import dataclasses
import logging

import httpx2
import pytest

from tests.helpers.api import serve
from tests.helpers.checkout import market
from tests.helpers.live import free_port
from tests.helpers.people import sign_up
from tests.helpers.s3 import ACCESS_KEY_ID, SECRET_ACCESS_KEY, S3Server
from tests.helpers.uploads import phone_jpeg, send
from umkm_graph.media_settings import MediaSettings
from umkm_graph.settings import Settings
from umkm_graph.uploads.models import Upload

SET = """mutation($product: ID!, $uploads: [ID!]!) { setProductPhotos(productId: $product, uploadIds: $uploads) {
  product { photos { large: url(size: LARGE) thumb: url(size: THUMB) } } errors { code } } }"""


def shows_no_key(*texts: str) -> bool:
    return not any(secret in text for text in texts for secret in (ACCESS_KEY_ID, SECRET_ACCESS_KEY))


async def test_photos_served_straight_from_the_bucket_are_cached_for_good(settings: Settings, s3: S3Server) -> None:
    public = f"{s3.endpoint}/{s3.bucket}/media"  # the bucket's own address, under the prefix, as a CDN would be
    async with serve(s3.settings(settings, public_url=public)) as api:
        m = await market(api)
        response = await api.client.post("/uploads", content=phone_jpeg(),
                                         headers={"Authorization": f"Bearer {m.seller.token}"})
        assert response.status_code == 201 and response.json()["urls"]["large"].startswith(public + "/")
        answer = await api.ok(SET, {"product": m.beras["id"], "uploads": [response.json()["id"]]}, m.seller.token)
        (photo,) = answer["product"]["photos"]
        assert photo["large"] == response.json()["urls"]["large"]
        async with httpx2.AsyncClient() as outside:
            served = await outside.get(photo["thumb"])  # not through the API at all
        assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        through_api = await api.client.get("/media" + photo["large"].removeprefix(public))
        assert through_api.status_code == 200 and "immutable" in through_api.headers["cache-control"]
        assert shows_no_key(response.text, str(response.headers), str(served.headers), str(through_api.headers),
                            str(answer))


async def test_a_bucket_that_refuses_is_a_503_that_keeps_nothing_and_names_no_key(
        settings: Settings, s3: S3Server, caplog: pytest.LogCaptureFixture) -> None:
    async with serve(s3.settings(settings, s3_bucket="no-such-bucket")) as api:
        seller = await sign_up(api, "SELLER")
        with caplog.at_level(logging.INFO):  # botocore's own DEBUG lines quote the request, as it documents
            status, body = await send(api, seller, phone_jpeg())
            missing = await api.client.get("/media/" + "a" * 64 + "/large.webp")
        assert (status, body["error"]["code"]) == (503, "PROVIDER_ERROR") and "try again" in body["error"]["message"]
        assert missing.status_code == 503 and missing.headers["cache-control"] == "no-store"
        assert await Upload.filter(owner_id=int(seller.id)).count() == 0
        assert "NoSuchBucket" in caplog.text  # what an operator needs to see
        assert shows_no_key(str(body), missing.text, caplog.text)


async def test_a_photo_kept_by_one_machine_is_served_by_another(settings: Settings, s3: S3Server) -> None:
    async with serve(s3.settings(settings)) as first:
        seller = await sign_up(first, "SELLER")
        status, body = await send(first, seller, phone_jpeg())
        assert status == 201
    # A second app with its own empty media folder: the bucket, not a disk, holds the photo.
    async with serve(s3.settings(settings)) as second:
        served = await second.client.get(body["urls"]["medium"])
        assert served.status_code == 200 and served.headers["content-type"] == "image/webp"


def test_the_media_settings_are_read_from_the_environment_and_each_problem_named_without_a_key() -> None:
    env = {"UMKM_MEDIA_S3_BUCKET": "foto-umkm", "UMKM_MEDIA_S3_ENDPOINT": "https://s3.example.id/",
           "UMKM_MEDIA_S3_REGION": "ap-southeast-3", "UMKM_MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
           "UMKM_MEDIA_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY, "UMKM_MEDIA_S3_PREFIX": "media/",
           "UMKM_MEDIA_PUBLIC_URL": "https://cdn.example.id/media/"}
    media = Settings.from_env(env).media
    assert (media.s3_bucket, media.s3_endpoint, media.s3_region, media.s3_prefix, media.public_url) == (
        "foto-umkm", "https://s3.example.id", "ap-southeast-3", "media/", "https://cdn.example.id/media")
    assert Settings.from_env(env).media.problems(production=True) == []
    assert SECRET_ACCESS_KEY not in repr(Settings.from_env(env))
    wrong = {**env, "UMKM_MEDIA_S3_ENDPOINT": "http://10.0.0.5:9000", "UMKM_MEDIA_PUBLIC_URL": "ftp://cdn",
             "UMKM_MEDIA_S3_PREFIX": "../media/", "UMKM_MEDIA_S3_ACCESS_KEY_ID": ""}
    problems = Settings.from_env(wrong).media.problems(production=True)
    assert [p.split(" ", 1)[0] for p in problems] == [
        "UMKM_MEDIA_S3_ENDPOINT", "UMKM_MEDIA_PUBLIC_URL", "UMKM_MEDIA_S3_ACCESS_KEY_ID", "UMKM_MEDIA_S3_PREFIX"]
    assert shows_no_key(*problems)
    assert Settings.from_env({**wrong, "UMKM_MEDIA_S3_BUCKET": ""}).media.problems(production=False)[-2:] == [
        "UMKM_MEDIA_S3_BUCKET is unset, so the other UMKM_MEDIA_S3_* settings would be ignored",
        "UMKM_MEDIA_S3_PREFIX must be a relative key prefix such as media/"]


async def test_an_unreachable_storage_is_a_503_too(settings: Settings) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    unreachable = dataclasses.replace(settings, media=MediaSettings(
        s3_bucket="umkm-photos", s3_endpoint=closed, s3_access_key_id=ACCESS_KEY_ID,
        s3_secret_access_key=SECRET_ACCESS_KEY))
    async with serve(unreachable) as api:
        seller = await sign_up(api, "SELLER")
        status, body = await send(api, seller, phone_jpeg())
        assert (status, body["error"]["code"]) == (503, "PROVIDER_ERROR") and shows_no_key(str(body))
        assert (await api.client.get("/media/" + "b" * 64 + "/thumb.webp")).status_code == 503

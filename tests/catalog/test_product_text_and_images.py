"""A product's name and description are cleaned like all text (hardening II, item 19), and its imageUrls must be https
URLs on public hosts: no IP literals of private, loopback or link-local ranges, no localhost, no userinfo, no port but
443."""

from __future__ import annotations

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import CREATE_PRODUCT, add_product, product_input
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop

UPDATE_PRODUCT = """
mutation($id: ID!, $input: ProductInput!) {
  updateProduct(id: $id, input: $input) { product { id } errors { code field message } }
}
"""
PRODUCT = "query($id: ID!) { product(id: $id) { name description imageUrls } }"


async def _shop(api: Api) -> tuple[object, str]:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    return seller, (await verified_shop(api, seller, officer))["id"]


async def test_product_text_made_only_of_invisible_characters_or_with_an_override_is_refused(api: Api) -> None:
    seller, shop_id = await _shop(api)
    for name, description in (("\u200b\u200b", "\u2060"), ("Beras \u202eoinumerP", "Pulen\u2067")):
        errors = await api.fails(CREATE_PRODUCT, {"shopId": shop_id, "input": product_input(
            name=name, description=description)}, seller.token)  # type: ignore[attr-defined]
        assert {e["field"][-1] for e in errors} == {"name", "description"}


async def test_zero_width_characters_are_stripped_from_product_text(api: Api) -> None:
    seller, shop_id = await _shop(api)
    product = await add_product(api, seller, shop_id, name="Beras\u200b Pandan\ufeff Wangi",  # type: ignore[arg-type]
                                description="Pulen\u200b dan wangi.\nPanen baru.")
    found = (await api.gql(PRODUCT, {"id": product["id"]}))["product"]
    assert found["name"] == "Beras Pandan Wangi" and found["description"] == "Pulen dan wangi.\nPanen baru."


REFUSED_URLS = [
    "http://127.0.0.1:6379/",
    "http://cdn.example.id/beras.jpg",
    "https://127.0.0.1/beras.jpg",
    "https://10.0.0.5/beras.jpg",
    "https://192.168.1.1/beras.jpg",
    "https://172.16.0.1/beras.jpg",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/beras.jpg",
    "https://[fe80::1]/beras.jpg",
    "https://[::ffff:127.0.0.1]/beras.jpg",
    "https://0.0.0.0/beras.jpg",
    "https://2130706433/beras.jpg",
    "https://0x7f000001/beras.jpg",
    "https://127.1/beras.jpg",
    "https://localhost/beras.jpg",
    "https://cache.localhost/beras.jpg",
    "https://printer.local/beras.jpg",
    "https://user:secret@cdn.example.id/beras.jpg",
    "https://cdn.example.id@127.0.0.1/beras.jpg",
    "https://cdn.example.id:8443/beras.jpg",
    "https://cdn.example.id:abc/beras.jpg",
    "https:///beras.jpg",
    "https://cdn.example.id/beras .jpg",
    "javascript:alert(1)",
    "https://intranet/beras.jpg",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
async def test_an_image_url_that_is_not_https_on_a_public_host_is_refused(api: Api, url: str) -> None:
    seller, shop_id = await _shop(api)
    errors = await api.fails(CREATE_PRODUCT, {"shopId": shop_id, "input": product_input(imageUrls=[url])},
                             seller.token)  # type: ignore[attr-defined]
    assert errors[0]["field"][-1] == "imageUrls" and "https" in errors[0]["message"]


async def test_update_product_refuses_a_private_image_url_and_keeps_public_https_ones(api: Api) -> None:
    seller, shop_id = await _shop(api)
    good = ["https://cdn.example.id/beras.jpg", "https://img.example.com:443/a/b.png?w=400", "https://93.184.216.34/x.jpg"]
    product = await add_product(api, seller, shop_id, imageUrls=good)  # type: ignore[arg-type]
    errors = await api.fails(UPDATE_PRODUCT, {"id": product["id"], "input": {"imageUrls": ["http://127.0.0.1:6379/"]}},
                             seller.token)  # type: ignore[attr-defined]
    assert errors[0]["field"][-1] == "imageUrls"
    assert (await api.gql(PRODUCT, {"id": product["id"]}))["product"]["imageUrls"] == good

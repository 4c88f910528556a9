"""Receipts (kuitansi): a paid order's PDF at Order.receiptUrl, for its buyer, its shop's seller and city officers only,
in the reader's language, cash or cashless (refunds shown); its QR code's URL, read back from the PDF, says it is
genuine, and an edited token is not."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.helpers.api import Api, serve
from tests.helpers.checkout import ADDRESS, Market, cart, check_out, market
from tests.helpers.documents import pdf_lines, pdf_metadata
from tests.helpers.orders import attempt
from tests.helpers.payments import REFUND, Live, charge_of, pay_by_qris, pay_two_shops
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.promotions import discounted, shop_promotion
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings

PUBLIC_URL = "https://umkm.malangkota.go.id"

RECEIPT_URL = "query($id: ID!) { order(id: $id) { receiptUrl payment { status } } }"
SHOP_NIB = "query($id: ID!) { order(id: $id) { shop { nib } } }"
ENGLISH = 'mutation { updateProfile(input: { language: EN }) { user { language } errors { code field message } } }'


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The API behind a public address, which the receipts' QR codes point at."""
    return dataclasses.replace(settings, public_url=PUBLIC_URL)


async def cod_delivery(api: Api, m: Market) -> dict[str, Any]:
    """2 beras and 1 MinyaKita by the shop's own courier to Lowokwaru (Rp10.000), cash on delivery, delivered."""
    variables = cart([(m.beras, 2), (m.minyak, 1)], [(m.shop, "shop_courier")], address=ADDRESS)
    (order,) = (await check_out(api, m.buyer, variables))["orders"]
    for step in ("acceptOrder", "markOutForDelivery", "markDelivered"):
        await attempt(api, step, order, m.seller)
    return order


async def receipt(api: Api, order: dict[str, Any], person: Person | None) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {person.token}"} if person else {}
    return await api.client.get(f"/receipts/{order['id']}.pdf", headers=headers)


def verification_url(pdf: bytes) -> str:
    """The QR code's URL, as printed below it, on the API's address (PUBLIC_URL), as a path to ask the test's API."""
    (url,) = [line for line in pdf_lines(pdf) if "/receipts/verify?token=" in line]
    assert pdf_metadata(pdf)["/Keywords"] == url, "the QR code's URL is in the metadata too"
    assert url.startswith(f"{PUBLIC_URL}/receipts/verify?token=r1.UMKM-")
    return url.removeprefix(PUBLIC_URL)


async def test_a_paid_orders_receipt_names_the_shop_lines_totals_and_payment(api: Api) -> None:
    m = await market(api)
    order = await cod_delivery(api, m)
    unpaid = await api.gql(RECEIPT_URL, {"id": order["id"]}, m.buyer.token)
    assert unpaid["order"] == {"receiptUrl": None, "payment": {"status": "PENDING"}}
    refused = await receipt(api, order, m.buyer)
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "NOT_AVAILABLE"

    await attempt(api, "confirmCashCollected", order, m.seller)
    url = (await api.gql(RECEIPT_URL, {"id": order["id"]}, m.buyer.token))["order"]["receiptUrl"]
    assert url == f"/receipts/{order['id']}.pdf"
    response = await api.client.get(url, headers={"Authorization": f"Bearer {m.buyer.token}"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    lines = pdf_lines(response.content)
    assert lines[0] == f"Kuitansi {order['reference']}"
    assert "Toko Toko Bu Endang" in lines
    nib = (await api.gql(SHOP_NIB, {"id": order["id"]}, m.buyer.token))["order"]["shop"]["nib"]
    assert f"NIB {nib}" in lines
    assert not any(line.startswith("NPWP") for line in lines), "the shop has none"
    assert "Pembeli Siti Aminah" in lines
    assert "Beras Medium 5 kg 2 Rp67.500 Rp135.000" in lines
    assert "MinyaKita 1 L 1 Rp15.700 Rp15.700" in lines
    assert {"Subtotal barang Rp150.700", "Ongkos kirim Rp10.000", "Total dibayar Rp160.700"} <= set(lines)
    assert "Cara bayar Bayar di tempat (COD)" in lines
    assert any(line.startswith("Tanggal bayar ") and line.endswith(" WIB") for line in lines)

    verify = verification_url(response.content)
    answer = await api.client.get(verify)
    assert answer.status_code == 200
    assert answer.json() == {"genuine": True, "receipt": {
        "number": order["reference"], "shop": "Toko Bu Endang", "total": 160_700,
        "paidAt": answer.json()["receipt"]["paidAt"], "refunded": 0}}


async def test_an_edited_or_forged_token_is_not_genuine(api: Api) -> None:
    m = await market(api)
    order = await cod_delivery(api, m)
    await attempt(api, "confirmCashCollected", order, m.seller)
    token = parse_qs(urlsplit(verification_url((await receipt(api, order, m.buyer)).content)).query)["token"][0]
    version, number, total, paid, signature = token.split(".")
    assert (version, number, total) == ("r1", order["reference"], "160700"), "readable without the key"
    assert len(base64.urlsafe_b64decode(signature + "=")) == 32, "an HMAC-SHA256, not the key"
    signed = f"r1.{number}.16070.{paid}"
    forged = hmac.new(b"a key that is not the server's", signed.encode(), hashlib.sha256).digest()
    for bad in (f"r1.{number}.16070.{paid}.{signature}", f"r1.{number}.{total}.{int(paid) + 1}.{signature}",
                f"{signed}.{base64.urlsafe_b64encode(forged).decode().rstrip('=')}", token[:-2], "not-a-token"):
        answer = await api.client.get("/receipts/verify", params={"token": bad})
        assert answer.status_code == 200 and answer.json() == {"genuine": False}, bad
    missing = await api.client.get("/receipts/verify")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == ["token"]
    assert (await api.client.get("/receipts/verify", params={"token": token})).json()["genuine"] is True


async def test_only_the_buyer_the_seller_and_city_officers_may_download_it(api: Api) -> None:
    m = await market(api)
    order = await cod_delivery(api, m)
    await attempt(api, "confirmCashCollected", order, m.seller)
    for person in (m.buyer, m.seller, m.officer):
        assert (await receipt(api, order, person)).status_code == 200
    analyst, stranger = await city_person(api, Role.ANALYST), await sign_up(api, name="Orang Lain")
    for person in (analyst, stranger, m.other_seller):
        refused = await receipt(api, order, person)
        assert refused.status_code == 404 and refused.json()["errors"][0]["code"] == "NOT_FOUND"
    nobody = await receipt(api, order, None)
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer"
    assert (await receipt(api, order, Person(id="0", email="", token="forged"))).status_code == 401
    for wrong in ("999999", "abc", "0"):
        assert (await receipt(api, {"id": wrong}, m.buyer)).status_code == 404
    summary = (await api.client.get(f"/receipts/{order['id']}.pdf", headers={
        "Authorization": f"Bearer {stranger.token}", "Accept-Language": "en"})).json()["errors"][0]["summary"]
    assert summary == "Not found."


async def test_a_receipt_is_in_english_for_a_person_who_chose_english(api: Api) -> None:
    m = await market(api)
    order = await cod_delivery(api, m)
    await attempt(api, "confirmCashCollected", order, m.seller)
    assert (await api.ok(ENGLISH, token=m.buyer.token))["user"]["language"] == "EN"
    english = pdf_lines((await receipt(api, order, m.buyer)).content)
    assert english[0] == f"Receipt {order['reference']}"
    assert {"Total paid Rp160.700", "Delivery fee Rp10.000", "Payment method Cash on delivery (COD)"} <= set(english)
    assert "Beras Medium 5 kg 2 Rp67.500 Rp135.000" in english, "money is written the Indonesian way in English too"
    assert pdf_lines((await receipt(api, order, m.seller)).content)[0] == f"Kuitansi {order['reference']}"


async def test_receipts_and_their_verification_are_rate_limited_like_the_api(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, rate_limit_per_ip=3)) as api:
        answers = [(await api.client.get("/receipts/verify", params={"token": "r1"})).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert (await api.client.get("/receipts/1.pdf")).status_code == 429


async def test_a_cashless_receipt_says_qris_and_the_refunds_given(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    assert (await receipt(live.api, placed, m.buyer)).status_code == 409
    await live.fake.pay(placed["reference"])
    await live.api.ok(REFUND, {"id": placed["id"], "amount": 20000}, m.seller.token)
    pdf = (await receipt(live.api, placed, m.seller)).content
    lines = pdf_lines(pdf)
    assert {"Cara bayar QRIS", "Total dibayar Rp135.000", "Dikembalikan -Rp20.000"} <= set(lines)
    assert not any(line.startswith("Ongkos kirim") for line in lines), "a pickup order has no delivery fee"
    answer = (await live.api.client.get(verification_url(pdf))).json()
    assert answer["genuine"] is True and answer["receipt"]["total"] == 135_000 and answer["receipt"]["refunded"] == 20_000

    by_transfer = await pay_by_qris(live, m, quantity=1, payment="MIDTRANS_BCA_VA")
    await live.fake.pay(by_transfer["reference"])
    assert "Cara bayar Virtual account BCA" in pdf_lines((await receipt(live.api, by_transfer, m.buyer)).content)


async def test_each_order_paid_by_one_payment_for_the_cart_has_its_own_receipt_saying_so(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)
    await live.fake.pay(charge_of(live, orders))
    beras, telur = [pdf_lines((await receipt(live.api, order, m.buyer)).content) for order in orders]
    shared = "Dibayar dalam satu pembayaran sebesar Rp163.000 bersama pesanan lain dari keranjang yang sama."
    assert {"Total dibayar Rp135.000", shared} <= set(beras) and "Toko Toko Bu Endang" in beras
    assert {"Total dibayar Rp28.000", shared} <= set(telur) and "Toko Warung Pak Harto" in telur


async def test_a_receipt_lists_each_voucher_with_what_it_took_off(api: Api) -> None:
    m = await market(api)
    code = (await shop_promotion(api, m.seller, m.shop, kind="AMOUNT_OFF", value=5_000))["code"]
    variables = cart([(m.beras, 2), (m.minyak, 1)], [(m.shop, "shop_courier")], address=ADDRESS)
    (order,) = (await discounted(api, m.buyer, variables, code))["checkout"]["orders"]
    for step in ("acceptOrder", "markOutForDelivery", "markDelivered", "confirmCashCollected"):
        await attempt(api, step, order, m.seller)
    lines = pdf_lines((await receipt(api, order, m.buyer)).content)
    assert {"Subtotal barang Rp150.700", "Ongkos kirim Rp10.000", f"Voucher toko {code} -Rp5.000",
            "Total dibayar Rp155.700"} <= set(lines)

"""Office delivery on payday: a city officer opens an office's delivery day, ASN check out to their office, each shop's
orders for the office and day ride in one batch sharing one trip's fee, and the office's contact person receives it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.checkout import ADDRESS
from tests.helpers.office_delivery import (
    CHECKOUT,
    DAY_BATCHES,
    DAYS,
    HANDOVER,
    OPEN_DAY,
    SHOP_BATCHES,
    TRIP_FEE,
    Office,
    day_input,
    office,
    office_cart,
    office_checkout,
)
from tests.helpers.orders import attempt
from tests.helpers.payments import Live
from tests.helpers.people import sign_up
from tests.helpers.promotions import shop_promotion, with_codes
from tests.helpers.roster import asn_with, nip
from umkm_graph.office_delivery.batches import shares
from umkm_graph.office_delivery.models import OfficeDeliveryDay


def _errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    (payload,) = data.values()
    return [(e["code"], ".".join(e["field"])) for e in payload["errors"]]


async def _batch(api: Api, o: Office) -> dict[str, Any]:
    (batch,) = (await api.gql(SHOP_BATCHES, {"shop": o.shop["id"]}, o.seller.token))["officeBatches"]
    return batch


async def test_orders_for_one_office_day_ride_in_one_batch_and_share_its_trip_fee(api: Api) -> None:
    o = await office(api)
    first = (await office_checkout(api, o.asn[0], office_cart(o, [(o.beras, 1)])))["orders"][0]
    assert first["deliveryFee"] == TRIP_FEE  # alone in the batch: the whole trip
    assert first["delivery"]["kecamatan"] == "Kedungkandang" and "Dinas Komunikasi" in first["delivery"]["address"]
    second = (await office_checkout(api, o.asn[1], office_cart(o, [(o.telur, 2)])))["orders"][0]
    third = (await office_checkout(api, o.asn[2], office_cart(o, [(o.beras, 2), (o.telur, 1)])))["orders"][0]
    assert (second["deliveryFee"], third["deliveryFee"]) == (7500, 5000)

    batch = await _batch(api, o)
    assert batch["tripFee"] == TRIP_FEE and batch["opdShortName"] == "Diskominfo"
    fees = [order["deliveryFee"] for order in batch["orders"]]
    assert fees == [5000, 5000, 5000] and sum(fees) == TRIP_FEE  # the earlier orders' shares fell as others joined
    assert [order["total"] for order in batch["orders"]] == [67500 + 5000, 56000 + 5000, 135000 + 28000 + 5000]
    assert {(i["productName"], i["quantity"]) for i in batch["items"]} == {("Beras Medium 5 kg", 3),
                                                                          ("Telur Ayam 1 kg", 3)}
    seen = (await api.gql("query($id: ID!) { order(id: $id) { total payment { amount } } }", {"id": first["id"]},
                          o.asn[0].token))["order"]
    assert seen == {"total": 72500, "payment": {"amount": 72500}}  # the cash to pay at the handover, too


async def test_the_shares_add_up_to_the_trip_fee_with_the_odd_rupiah_on_the_oldest_orders() -> None:
    assert shares(15001, 3) == [5001, 5000, 5000]
    assert shares(10000, 3) == [3334, 3333, 3333] and sum(shares(10000, 3)) == 10000
    assert shares(0, 2) == [0, 0]


async def test_a_cancelled_order_leaves_the_batch_and_the_others_keep_their_share(api: Api) -> None:
    o = await office(api)
    first = (await office_checkout(api, o.asn[0], office_cart(o, [(o.beras, 1)])))["orders"][0]
    await office_checkout(api, o.asn[1], office_cart(o, [(o.telur, 1)]))
    assert (await attempt(api, "cancelOrder", first, o.asn[0]))["errors"] == []
    third = (await office_checkout(api, o.asn[2], office_cart(o, [(o.telur, 1)])))["orders"][0]
    assert third["deliveryFee"] == 7500  # two orders riding: the cancelled one is not counted
    batch = await _batch(api, o)
    assert [(order["status"], order["deliveryFee"]) for order in batch["orders"]] == [
        ("CANCELLED", 7500), ("PLACED", 7500), ("PLACED", 7500)]
    assert {i["productName"]: i["quantity"] for i in batch["items"]} == {"Telur Ayam 1 kg": 2}


async def test_the_contact_person_receives_the_batch_in_one_step_and_marks_what_was_missing(api: Api) -> None:
    o = await office(api, buyers=2)
    await office_checkout(api, o.asn[0], office_cart(o, [(o.beras, 1)]))
    await office_checkout(api, o.asn[1], office_cart(o, [(o.beras, 1), (o.telur, 1)]))
    batch = await _batch(api, o)
    short = batch["orders"][1]
    telur_line = next(line["lineId"] for line in short["lines"] if line["productName"] == "Telur Ayam 1 kg")
    variables = {"input": {"batchId": batch["id"], "missing": [
        {"orderId": short["orderId"], "lineIds": [telur_line], "note": "Telur tidak ada di kantong"}]}}

    stranger = await asn_with(api, nip(950), "DISKOMINFO")
    assert _errors(await api.gql(HANDOVER, variables, stranger.token)) == [("NOT_FOUND", "input.batchId")]
    wrong = {"input": {"batchId": batch["id"], "missing": [{"orderId": short["orderId"], "lineIds": ["999999"]}]}}
    assert _errors(await api.gql(HANDOVER, wrong, o.contact.token)) == [("NOT_FOUND", "input.missing.0.lineIds")]

    received = (await api.ok(HANDOVER, variables, o.contact.token))["batch"]
    assert received["handedOverAt"] is not None
    assert [order["status"] for order in received["orders"]] == ["DELIVERED", "DELIVERED"]
    assert received["orders"][1]["missingLineIds"] == [telur_line]
    assert received["orders"][1]["missingNote"] == "Telur tidak ada di kantong"
    assert _errors(await api.gql(HANDOVER, variables, o.contact.token)) == [("INVALID_TRANSITION", "input.batchId")]
    day_view = (await api.gql(DAY_BATCHES, {"day": o.day["id"]}, o.contact.token))["officeBatches"]
    assert [b["id"] for b in day_view] == [batch["id"]]
    complaint = await api.gql(
        "mutation($input: OpenComplaintInput!) { openComplaint(input: $input) { errors { code field message } } }",
        {"input": {"orderId": short["orderId"], "reason": "MISSING_ITEMS", "text": "Telur tidak sampai",
                   "orderLineIds": [telur_line]}}, o.asn[1].token)
    assert _errors(complaint) == []  # a missing line feeds the buyer's complaint about the delivered order


async def test_only_its_own_asn_check_out_to_an_office_before_the_cut_off_paying_cash_to_one_trip(api: Api) -> None:
    o = await office(api, buyers=1)
    outsider = await sign_up(api, name="Warga Biasa")
    other_opd = await asn_with(api, nip(960), "DISKOPINDAG")
    cart = office_cart(o, [(o.beras, 1)])
    assert _errors(await api.gql(CHECKOUT, cart, outsider.token)) == [("FORBIDDEN", "input.officeDeliveryDayId")]
    assert _errors(await api.gql(CHECKOUT, cart, other_opd.token)) == [("FORBIDDEN", "input.officeDeliveryDayId")]
    both = office_cart(o, [(o.beras, 1)])
    both["input"]["address"] = ADDRESS
    assert _errors(await api.gql(CHECKOUT, both, o.asn[0].token)) == [("INVALID", "input.officeDeliveryDayId")]
    pickup = office_cart(o, [(o.beras, 1)], provider="pickup")
    assert _errors(await api.gql(CHECKOUT, pickup, o.asn[0].token)) == [
        ("NOT_AVAILABLE", "input.shops.0.deliveryProvider")]
    unknown = office_cart(o, [(o.beras, 1)])
    unknown["input"]["officeDeliveryDayId"] = "999999"
    assert _errors(await api.gql(CHECKOUT, unknown, o.asn[0].token)) == [("NOT_FOUND", "input.officeDeliveryDayId")]

    await OfficeDeliveryDay.filter(id=int(o.day["id"])).update(cutoff_at=dt.datetime.now(dt.UTC)
                                                               - dt.timedelta(minutes=1))
    assert _errors(await api.gql(CHECKOUT, cart, o.asn[0].token)) == [("NOT_AVAILABLE", "input.officeDeliveryDayId")]
    assert (await api.gql(DAYS, token=o.asn[0].token))["officeDeliveryDays"] == []  # closed: no longer offered


async def test_an_office_delivery_is_paid_in_cash_at_the_handover(live: Live) -> None:
    o = await office(live.api, buyers=1)
    cashless = office_cart(o, [(o.beras, 1)], payment="MIDTRANS_QRIS")
    assert _errors(await live.api.gql(CHECKOUT, cashless, o.asn[0].token)) == [("NOT_AVAILABLE", "input.paymentMethod")]


async def test_a_city_officer_opens_delivery_days_that_the_office_asn_see(api: Api) -> None:
    o = await office(api, buyers=1)
    listed = (await api.gql(DAYS, token=o.asn[0].token))["officeDeliveryDays"]
    assert [(d["id"], d["opdShortName"]) for d in listed] == [(o.day["id"], "Diskominfo")]
    other = await asn_with(api, nip(970), "DISKOPINDAG")
    assert (await api.gql(DAYS, token=other.token))["officeDeliveryDays"] == []
    assert len((await api.gql(DAYS, {"opd": "DISKOMINFO"}, o.officer.token))["officeDeliveryDays"]) == 1

    async def refused(variables: dict[str, Any], token: str) -> list[tuple[str, str]]:
        return _errors(await api.gql(OPEN_DAY, {"input": variables}, token))

    assert await refused(day_input(o.contact, 5), o.asn[0].token) == [("FORBIDDEN", "")]
    assert await refused(day_input(o.contact, 3), o.officer.token) == [("ALREADY_EXISTS", "input.day")]
    assert ("INVALID", "input.day") in await refused(day_input(o.contact, 0), o.officer.token)
    assert await refused(day_input(o.contact, 90), o.officer.token) == [("INVALID", "input.day")]
    late = day_input(o.contact, 5)
    late["cutoffAt"] = f"{late['day']}T10:00:00+07:00"
    assert await refused(late, o.officer.token) == [("INVALID", "input.cutoffAt")]
    assert await refused(day_input(other, 5), o.officer.token) == [("NOT_FOUND", "input.contactUserId")]
    assert await refused(day_input(o.contact, 5, code="DINAS-TIDAK-ADA"), o.officer.token) == [
        ("NOT_FOUND", "input.opdCode")]


async def test_a_free_delivery_voucher_is_refused_on_an_office_delivery_whose_share_would_fall(api: Api) -> None:
    o = await office(api, buyers=1)
    free = await shop_promotion(api, o.seller, o.shop, kind="FREE_DELIVERY", value=0)
    ten_percent = await shop_promotion(api, o.seller, o.shop)
    refused = with_codes(office_cart(o, [(o.beras, 1)]), free["code"])
    assert _errors(await api.gql(CHECKOUT, refused, o.asn[0].token)) == [("VOUCHER_NOT_ELIGIBLE", "input.voucherCodes.0")]
    taken = await office_checkout(api, o.asn[0], with_codes(office_cart(o, [(o.beras, 1)]), ten_percent["code"]))
    assert taken["orders"][0]["total"] == 67500 - 6750 + TRIP_FEE

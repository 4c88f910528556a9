"""Complaints and returns through GraphQL: a buyer complains about lines of a delivered order within its completion
window; the seller refunds (through the gateway), replaces or rejects; a rejected or unanswered complaint goes to the
city, whose decision is final; an open complaint stops the order completing itself; the shop's counts add up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.checkout import ERRORS, Market, market
from tests.helpers.orders import attempt
from tests.helpers.payments import Live, order_of
from tests.helpers.refunds import delivered_paid
from tests.helpers.people import Person, city_person
from tests.helpers.uploads import upload
from umkm_graph.notifications.models import OutboxMessage
from umkm_graph.orders.models import Complaint, Order
from umkm_graph.people.models import Role

FIELDS = "id status resolution refundAmount sellerReason decision orderLineIds reason text"
OPEN = f"mutation($input: OpenComplaintInput!) {{ openComplaint(input: $input) {{ complaint {{ {FIELDS} }} {ERRORS} }} }}"
ANSWER = f"""mutation($id: ID!, $resolution: ComplaintResolution!, $reason: String, $amount: Rupiah) {{
  answerComplaint(id: $id, resolution: $resolution, reason: $reason, refundAmount: $amount) {{
    complaint {{ {FIELDS} }} {ERRORS} }} }}"""
ESCALATE = f"mutation($id: ID!) {{ escalateComplaint(id: $id) {{ complaint {{ {FIELDS} }} {ERRORS} }} }}"
DECIDE = f"""mutation($id: ID!, $decision: String!, $amount: Rupiah) {{
  decideComplaint(id: $id, decision: $decision, refundAmount: $amount) {{ complaint {{ {FIELDS} }} {ERRORS} }} }}"""
COUNTS = "query($id: ID!) { shopComplaintCounts(shopId: $id) { kind count } }"
QUEUE = "query($status: ComplaintStatus) { cityComplaints(status: $status) { totalCount edges { node { id orderId text } } } }"
CITY_COUNTS = "{ cityComplaintCounts { counts { kind count } byKecamatan { kecamatan counts { kind count } } } }"
HOUR = dt.timedelta(hours=1)


async def complain(live: Live, buyer: Person, order: dict[str, Any], lines: list[str]) -> dict[str, Any]:
    variables = {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "Karung sobek, beras tumpah",
                           "orderLineIds": lines}}
    return (await live.api.ok(OPEN, variables, buyer.token))["complaint"]


async def test_a_complaint_answered_with_a_part_refund_is_refunded_at_the_gateway(live: Live) -> None:
    m = await market(live.api)
    order, lines = await delivered_paid(live, m)
    opened = await complain(live, m.buyer, order, lines)
    assert (opened["status"], opened["orderLineIds"]) == ("OPEN", lines)
    again = await live.api.fails(OPEN, {"input": {"orderId": order["id"], "reason": "QUALITY", "text": "Apek",
                                                   "orderLineIds": lines}}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in again] == [("ALREADY_EXISTS", ["input", "orderLineIds"])]

    too_much = await live.api.fails(ANSWER, {"id": opened["id"], "resolution": "REFUND", "amount": 999999},
                                    m.seller.token)
    assert [(e["code"], e["field"]) for e in too_much] == [("INVALID", ["refundAmount"])]
    refunded = (await live.api.ok(ANSWER, {"id": opened["id"], "resolution": "REFUND", "amount": 30000,
                                           "reason": "Maaf, diganti uang"}, m.seller.token))["complaint"]
    assert (refunded["status"], refunded["resolution"], refunded["refundAmount"]) == ("RESOLVED", "REFUND", 30000)
    payment = (await order_of(live, order, m.buyer))["payment"]
    assert (payment["status"], payment["refundedAmount"]) == ("PARTIALLY_REFUNDED", 30000)
    assert sum(live.fake.transactions[order["reference"]].refunds.values()) == 30000
    twice = await live.api.fails(ANSWER, {"id": opened["id"], "resolution": "REPLACE"}, m.seller.token)
    assert twice[0]["code"] == "INVALID_TRANSITION"
    told = await OutboxMessage.filter(kind__startswith="COMPLAINT_").order_by("id").values("kind", "user_id", "parameters")
    assert [(t["kind"], t["user_id"]) for t in told] == [
        ("COMPLAINT_OPENED", int(m.buyer.id)), ("COMPLAINT_OPENED", int(m.seller.id)),
        ("COMPLAINT_ANSWERED", int(m.buyer.id)), ("COMPLAINT_ANSWERED", int(m.seller.id))]
    assert told[-1]["parameters"]["answer"] == "dana dikembalikan (Maaf, diganti uang)"


async def test_an_open_complaint_stops_auto_completion_until_it_is_settled(live: Live) -> None:
    m = await market(live.api)
    order, lines = await delivered_paid(live, m)
    opened = await complain(live, m.buyer, order, lines)
    late = dt.datetime.now(dt.UTC) + 100 * HOUR
    assert (await live.run_order_jobs(late)).deadlines.completed == 0
    assert (await order_of(live, order, m.buyer))["status"] == "DELIVERED"
    await live.api.ok(ANSWER, {"id": opened["id"], "resolution": "REPLACE"}, m.seller.token)
    assert (await live.run_order_jobs(late)).deadlines.completed == 1


async def test_a_rejected_complaint_goes_to_the_city_whose_decision_is_final(live: Live) -> None:
    m = await market(live.api)
    officer = await city_person(live.api)
    order, lines = await delivered_paid(live, m)
    opened = await complain(live, m.buyer, order, lines)
    early = await live.api.fails(ESCALATE, {"id": opened["id"]}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in early] == [("INVALID_TRANSITION", ["id"])]
    no_reason = await live.api.fails(ANSWER, {"id": opened["id"], "resolution": "REJECT"}, m.seller.token)
    assert [(e["code"], e["field"]) for e in no_reason] == [("REQUIRED", ["reason"])]
    await live.api.ok(ANSWER, {"id": opened["id"], "resolution": "REJECT", "reason": "Foto tidak ada"}, m.seller.token)

    seller_tries = await live.api.fails(ESCALATE, {"id": opened["id"]}, m.seller.token)
    assert seller_tries[0]["code"] == "FORBIDDEN"
    assert (await live.api.ok(ESCALATE, {"id": opened["id"]}, m.buyer.token))["complaint"]["status"] == "ESCALATED"
    queue = (await live.api.gql(QUEUE, {"status": "ESCALATED"}, officer.token))["cityComplaints"]
    assert (queue["totalCount"], [e["node"] for e in queue["edges"]]) == (
        1, [{"id": opened["id"], "orderId": order["id"], "text": "Karung sobek, beras tumpah"}])
    analyst = await city_person(live.api, Role.ANALYST)
    for outsider in (analyst, m.seller, m.buyer):  # a complaint's text is the buyer's own words: officers only
        assert (await live.api.post(QUEUE, {}, outsider.token))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    buyer_decides = await live.api.fails(DECIDE, {"id": opened["id"], "decision": "Saya menang"}, m.buyer.token)
    assert buyer_decides[0]["code"] == "FORBIDDEN"
    decided = (await live.api.ok(DECIDE, {"id": opened["id"], "decision": "Barang rusak terbukti; refund penuh",
                                          "amount": 135000}, officer.token))["complaint"]
    assert (decided["status"], decided["decision"], decided["refundAmount"]) == (
        "DECIDED", "Barang rusak terbukti; refund penuh", 135000)
    assert (await order_of(live, order, m.buyer))["payment"]["status"] == "REFUNDED"
    final = await live.api.fails(DECIDE, {"id": opened["id"], "decision": "Diubah"}, officer.token)
    assert final[0]["code"] == "INVALID_TRANSITION"

    counts = {row["kind"]: row["count"] for row in
              (await live.api.gql(COUNTS, {"id": m.shop["id"]}, officer.token))["shopComplaintCounts"]}
    assert counts == {"TOTAL": 1, "DECIDED": 1, "REJECT": 1}
    assert (await live.api.gql(QUEUE, {"status": "ESCALATED"}, officer.token))["cityComplaints"]["totalCount"] == 0
    assert (await live.api.gql(QUEUE, {}, officer.token))["cityComplaints"]["totalCount"] == 1
    city = (await live.api.gql(CITY_COUNTS, None, analyst.token))["cityComplaintCounts"]
    kecamatan = (await live.api.gql("query($id: ID!) { shop(id: $id) { kecamatan } }", {"id": m.shop["id"]}))["shop"]
    expected = [{"kind": "DECIDED", "count": 1}, {"kind": "REJECT", "count": 1}, {"kind": "TOTAL", "count": 1}]
    assert city == {"counts": expected, "byKecamatan": [{"kecamatan": kecamatan["kecamatan"], "counts": expected}]}
    assert (await live.api.post(CITY_COUNTS, None, m.seller.token))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stranger = await live.api.post(COUNTS, {"id": m.shop["id"]}, m.buyer.token)
    assert stranger["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")


async def test_a_complaint_carries_the_buyers_own_photos_and_no_one_elses(live: Live) -> None:
    m = await market(live.api)
    order, lines = await delivered_paid(live, m)
    torn, spilt = await upload(live.api, m.buyer), await upload(live.api, m.buyer)
    sellers = await upload(live.api, m.seller)
    variables = {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "Karung sobek", "orderLineIds": lines,
                           "photoUploadIds": [torn, sellers]}}
    refused = await live.api.fails(OPEN, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in refused] == [("NOT_FOUND", ["input", "photoUploadIds", "1"])]
    assert await Complaint.filter(order_id=int(order["id"])).count() == 0
    variables["input"]["photoUploadIds"] = [torn, spilt]
    opened = (await live.api.ok(OPEN, variables, m.buyer.token))["complaint"]
    shown = await live.api.gql("query($id: ID!) { orderComplaints(orderId: $id) { photos { id url(size: THUMB) } } }",
                               {"id": order["id"]}, m.seller.token)
    (complaint,) = shown["orderComplaints"]
    assert [p["id"] for p in complaint["photos"]] == [torn, spilt] and opened["id"]
    assert (await live.api.client.get(complaint["photos"][0]["url"])).status_code == 200


async def test_an_unanswered_complaint_may_go_to_the_city_after_the_answer_deadline(live: Live) -> None:
    m = await market(live.api)
    order, lines = await delivered_paid(live, m)
    opened = await complain(live, m.buyer, order, lines)
    await Complaint.filter(id=int(opened["id"])).update(created_at=dt.datetime.now(dt.UTC) - 49 * HOUR)
    assert (await live.api.ok(ESCALATE, {"id": opened["id"]}, m.buyer.token))["complaint"]["status"] == "ESCALATED"


async def test_complaints_outside_the_window_or_by_others_are_refused(live: Live) -> None:
    m = await market(live.api)
    order, lines = await delivered_paid(live, m)
    by_seller = await live.api.fails(OPEN, {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "x",
                                                       "orderLineIds": lines}}, m.seller.token)
    assert by_seller[0]["code"] == "FORBIDDEN"
    wrong_line = await live.api.fails(OPEN, {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "Rusak",
                                                        "orderLineIds": ["999999"]}}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in wrong_line] == [("NOT_FOUND", ["input", "orderLineIds", "0"])]
    await Order.filter(id=int(order["id"])).update(status_since=dt.datetime.now(dt.UTC) - 73 * HOUR)
    late = await live.api.fails(OPEN, {"input": {"orderId": order["id"], "reason": "DAMAGED", "text": "Rusak",
                                                  "orderLineIds": lines}}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in late] == [("INVALID_TRANSITION", ["input", "orderId"])]

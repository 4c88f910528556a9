"""Naik kelas (issue 17, section 5), through GraphQL: a shop's size class by PP 7/2021 from its declared annual sales
and, as a lower bound, its platform sales; the city's mentoring records, a shop's figures before and after one, and
the shops that moved up a class. Orders and reviews are made through GraphQL, then moved in time (or made large) with
model updates, as GraphQL cannot back-date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.city import market, move_order, purchase, wib
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.reviews import CREATE_REVIEW
from umkm_graph.core.wib import today_wib
from umkm_graph.growth.models import SalesDeclaration
from umkm_graph.orders.models import Complaint, Order, OrderLine
from umkm_graph.people.models import Role
from umkm_graph.reviews.models import Review

CLASS_FIELDS = "sizeClass declaredAnnualSales platformSales12Months basis"
SHOP_CLASS = f"query($shop: ID!) {{ shopClass(shopId: $shop) {{ {CLASS_FIELDS} }} }}"
DECLARE = f"""
mutation($shop: ID!, $sales: Rupiah!) {{
  declareAnnualSales(shopId: $shop, annualSales: $sales) {{ shopClass {{ {CLASS_FIELDS} }} errors {{ code field message }} }}
}}
"""
RECORD = """
mutation($shop: ID!, $input: MentoringInput!) {
  recordMentoring(shopId: $shop, input: $input) { mentoring { id mentor mentoredOn topic } errors { code field message } }
}
"""
MENTORINGS = "query($shop: ID!) { shopMentorings(shopId: $shop) { id mentor mentoredOn topic } }"
FIGURES = "start end complete gmv orders reviews rating complaints"
EFFECT = f"""
query($id: ID!, $days: Int!) {{ mentoringEffect(mentoringId: $id, days: $days) {{ days
  before {{ {FIGURES} }} after {{ {FIGURES} }} classBefore {{ sizeClass }} classNow {{ sizeClass basis }} }} }}
"""
MOVED_UP = """
query($since: Date!) { shopsMovedUp(since: $since) { totalCount edges { node { shopId mentored
  before { sizeClass basis } now { sizeClass basis } } } } }
"""
OPEN_COMPLAINT = """
mutation($input: OpenComplaintInput!) { openComplaint(input: $input) { complaint { id } errors { code field message } } }
"""
BILLION = 1_000_000_000


async def _class(api: Api, person: Person, shop: str) -> dict[str, Any]:
    return (await api.gql(SHOP_CLASS, {"shop": shop}, person.token))["shopClass"]


async def test_a_shop_is_classed_by_the_larger_of_its_declared_and_its_platform_sales(api: Api) -> None:
    m = await market(api)
    assert await _class(api, m.seller, m.klojen) == {
        "sizeClass": "MICRO", "declaredAnnualSales": None, "platformSales12Months": 0, "basis": 0}
    for declared, expected in ((2 * BILLION, "MICRO"), (2 * BILLION + 1, "SMALL"), (15 * BILLION, "SMALL"),
                               (15 * BILLION + 1, "MEDIUM"), (50 * BILLION, "MEDIUM"), (50 * BILLION + 1, "LARGE"),
                               (BILLION, "MICRO")):
        answer = await api.ok(DECLARE, {"shop": m.klojen, "sales": declared}, m.seller.token)
        assert answer["shopClass"]["sizeClass"] == expected, declared
    # Platform sales are a lower bound: completed orders' goods of the last 12 months (made large here by hand).
    order_id = await purchase(api, await sign_up(api), m.seller, m.klojen, [(m.beras, 1)])
    await Order.filter(id=int(order_id)).update(subtotal=3 * BILLION)
    cancelled = await purchase(api, await sign_up(api), m.seller, m.klojen, [(m.beras, 1)], "CANCELLED_BY_BUYER")
    await Order.filter(id=int(cancelled)).update(subtotal=40 * BILLION)
    old = await purchase(api, await sign_up(api), m.seller, m.klojen, [(m.beras, 1)])
    await Order.filter(id=int(old)).update(subtotal=40 * BILLION)
    await move_order(old, dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    assert await _class(api, m.officer, m.klojen) == {
        "sizeClass": "SMALL", "declaredAnnualSales": BILLION, "platformSales12Months": 3 * BILLION,
        "basis": 3 * BILLION}

    errors = await api.fails(DECLARE, {"shop": m.klojen, "sales": -1}, m.seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["annualSales"])]
    errors = await api.fails(DECLARE, {"shop": m.klojen, "sales": BILLION}, m.lowokwaru_seller.token)
    assert [e["code"] for e in errors] == ["NOT_FOUND"]
    refused = await api.post(SHOP_CLASS, {"shop": m.klojen}, m.lowokwaru_seller.token)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_city_records_mentoring_and_sees_the_shop_before_and_after(api: Api) -> None:
    m = await market(api)
    day = today_wib() - dt.timedelta(days=10)
    errors = await api.fails(RECORD, {"shop": m.klojen, "input": {
        "mentor": " ", "mentoredOn": (today_wib() + dt.timedelta(days=1)).isoformat(), "topic": "Pemasaran"}},
        m.officer.token)
    assert sorted(tuple(e["field"]) for e in errors) == [("input", "mentor"), ("input", "mentoredOn")]
    recorded = await api.ok(RECORD, {"shop": m.klojen, "input": {
        "mentor": "Diskopindag, Klinik UMKM", "mentoredOn": day.isoformat(), "topic": "Foto produk dan pemasaran"}},
        m.officer.token)
    mentoring_id = recorded["mentoring"]["id"]
    assert [r["id"] for r in (await api.gql(MENTORINGS, {"shop": m.klojen}, m.seller.token))["shopMentorings"]] == \
        [mentoring_id]

    # Before (within the 7 days before): one completed order of 67,500 with a 2-star review, and one complaint.
    # After: two completed orders (67,500 and 18,000) with a 5 and a 4; an order before the window is left out.
    buyer, other = await sign_up(api), await sign_up(api)
    at = {"before": wib(day.year, day.month, day.day, 10) - dt.timedelta(days=3),
          "after": wib(day.year, day.month, day.day, 10) + dt.timedelta(days=2)}
    placed = [(await purchase(api, buyer, m.seller, m.klojen, [(m.beras, 1)]), "before", 2),
              (await purchase(api, other, m.seller, m.klojen, [(m.beras, 1)]), "after", 5),
              (await purchase(api, buyer, m.seller, m.klojen, [(m.gula, 1)]), "after", 4)]
    for order_id, when, rating in placed:
        (line_id,) = await OrderLine.filter(order_id=int(order_id)).values_list("id", flat=True)
        review = await api.ok(CREATE_REVIEW, {"line": str(line_id), "rating": rating}, (
            buyer if order_id != placed[1][0] else other).token)
        await move_order(order_id, at[when])
        await Review.filter(id=int(review["review"]["id"])).update(created_at=at[when])
    delivered = await purchase(api, other, m.seller, m.klojen, [(m.gula, 1)], "DELIVERED")
    (line_id,) = await OrderLine.filter(order_id=int(delivered)).values_list("id", flat=True)
    opened = await api.ok(OPEN_COMPLAINT, {"input": {"orderId": delivered, "reason": "DAMAGED", "text": "Bocor",
                                                     "orderLineIds": [str(line_id)]}}, other.token)
    await Complaint.filter(id=int(opened["complaint"]["id"])).update(created_at=at["before"])
    early = await purchase(api, other, m.seller, m.klojen, [(m.beras, 1)])
    await move_order(early, at["before"] - dt.timedelta(days=10))

    analyst = await city_person(api, Role.ANALYST)
    effect = (await api.gql(EFFECT, {"id": mentoring_id, "days": 7}, analyst.token))["mentoringEffect"]
    assert effect["before"] == {"start": (day - dt.timedelta(days=7)).isoformat(),
                                "end": (day - dt.timedelta(days=1)).isoformat(), "complete": True, "gmv": 67_500,
                                "orders": 1, "reviews": 1, "rating": 2.0, "complaints": 1}
    assert effect["after"] == {"start": day.isoformat(), "end": (day + dt.timedelta(days=6)).isoformat(),
                               "complete": True, "gmv": 85_500, "orders": 2, "reviews": 2, "rating": 4.5,
                               "complaints": 0}
    running = (await api.gql(EFFECT, {"id": mentoring_id, "days": 30}, analyst.token))["mentoringEffect"]["after"]
    assert (running["complete"], running["end"]) == (False, today_wib().isoformat())
    refused = await api.post(EFFECT, {"id": mentoring_id, "days": 7}, m.seller.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad_days = await api.post(EFFECT, {"id": mentoring_id, "days": 0}, analyst.token)
    assert bad_days["errors"][0]["extensions"]["code"] == "INVALID"


async def test_the_city_sees_which_shops_moved_up_a_class(api: Api) -> None:
    m = await market(api)
    since = today_wib() - dt.timedelta(days=30)
    # Klojen declared 1.5 billion two months ago (MICRO then), 20 billion now (MEDIUM), and was mentored since.
    await api.ok(DECLARE, {"shop": m.klojen, "sales": 1_500_000_000}, m.seller.token)
    await SalesDeclaration.all().update(declared_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=60))
    await api.ok(DECLARE, {"shop": m.klojen, "sales": 20 * BILLION}, m.seller.token)
    await api.ok(RECORD, {"shop": m.klojen, "input": {"mentor": "Diskopindag", "topic": "Pembukuan",
                                                        "mentoredOn": (since + dt.timedelta(days=5)).isoformat()}},
                 m.officer.token)
    # Lowokwaru's platform sales grew past 2 billion within the month (a lower bound), undeclared.
    order_id = await purchase(api, await sign_up(api), m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 1)])
    await Order.filter(id=int(order_id)).update(subtotal=2 * BILLION + 500)

    moved = (await api.gql(MOVED_UP, {"since": since.isoformat()}, m.officer.token))["shopsMovedUp"]
    assert moved["totalCount"] == 2
    assert [(e["node"]["shopId"], e["node"]["mentored"], e["node"]["before"]["sizeClass"], e["node"]["now"]["sizeClass"])
            for e in moved["edges"]] == [(m.klojen, True, "MICRO", "MEDIUM"), (m.lowokwaru, False, "MICRO", "SMALL")]
    refused = await api.post(MOVED_UP, {"since": since.isoformat()}, m.seller.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

"""What the city sees of its programmes: per programme the spend, orders, buyers and UMKM reached, counting orders not
cancelled, against a hand-computed fixture; a programme of 1 to k-1 buyers is suppressed (k-anonymity, as the other
monitoring figures); sellers and buyers see none of it."""

from __future__ import annotations

import dataclasses

from tests.helpers.api import serve
from tests.helpers.checkout import cart, market
from tests.helpers.orders import attempt
from tests.helpers.people import sign_up
from tests.helpers.promotions import city_programme, discounted
from umkm_graph.settings import Settings

FIGURES = "{ cityProgrammeFigures { programme { code } suppressed spend orders buyers umkmReached } }"


async def test_each_programme_shows_what_it_reached_and_hides_a_programme_of_too_few_buyers(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, min_group_size=2)) as api:
        m = await market(api)
        reached = await city_programme(api, m.officer, asnOnly=False)  # 20% off sembako
        few = await city_programme(api, m.officer, asnOnly=False)
        unused = await city_programme(api, m.officer, asnOnly=False)
        second, third = await sign_up(api), await sign_up(api)
        beras, both = cart([(m.beras, 1)], [(m.shop, "pickup")]), \
            cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")])
        await discounted(api, m.buyer, beras, reached["code"])  # 13.500
        await discounted(api, second, both, reached["code"])  # 13.500 and 5.600, two orders
        cancelled = (await discounted(api, third, beras, reached["code"]))["checkout"]["orders"][0]
        assert (await attempt(api, "cancelOrder", cancelled, third))["errors"] == []
        await discounted(api, m.buyer, beras, few["code"])

        figures = (await api.gql(FIGURES, token=m.officer.token))["cityProgrammeFigures"]

        assert figures == [
            {"programme": {"code": unused["code"]}, "suppressed": False, "spend": 0, "orders": 0, "buyers": 0,
             "umkmReached": 0},
            {"programme": {"code": few["code"]}, "suppressed": True, "spend": None, "orders": None, "buyers": None,
             "umkmReached": None},
            {"programme": {"code": reached["code"]}, "suppressed": False, "spend": 32600, "orders": 3, "buyers": 2,
             "umkmReached": 2},
        ]
        for outsider in (m.buyer, m.seller):
            body = await api.post(FIGURES, token=outsider.token)
            assert body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]

"""City programmes at checkout (Kamis Mbois and the like): the city's discount goes to the buyers, days, categories and
shops the programme names, is recorded per line as the CITY's, stacks on a shop's discount (taken from what is left of
each line), and stops at its budget; each rule refused with its code. Through GraphQL, on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.checkout import cart, market
from tests.helpers.city import asn
from tests.helpers.orders import attempt
from tests.helpers.promotions import (
    CREATE_CITY_PROGRAMME,
    city_programme,
    discounted,
    programme_input,
    refusal,
    shop_promotion,
    today_wib,
)


async def test_kamis_mbois_takes_its_percent_off_the_sembako_lines_of_an_asn_of_its_opd(api: Api) -> None:
    m = await market(api)
    keripik = await add_product(api, m.seller, m.shop["id"], category="kuliner", name="Keripik Tempe", unit="PACK",
                                packSize=1, price=12000)
    programme = await city_programme(api, m.officer, opds=["Diskominfo"])
    pegawai = await asn(api, "Diskominfo")

    result = await discounted(api, pegawai, cart([(m.beras, 1), (keripik, 1)], [(m.shop, "pickup")]), programme["code"])

    (order,) = result["checkout"]["orders"]
    assert [line["discount"] for line in order["lines"]] == [13500, 0]  # 20% of the beras; keripik is not sembako
    assert order["discounts"] == [{"code": programme["code"], "kind": "PERCENT_OFF", "funder": "CITY",
                                   "product": m.beras["id"], "amount": 13500}]
    assert order["total"] == 67500 + 12000 - 13500


async def test_a_programme_refuses_who_and_when_it_is_not_for(api: Api) -> None:
    m = await market(api)
    beras = cart([(m.beras, 1)], [(m.shop, "pickup")])
    programme = await city_programme(api, m.officer, opds=["Diskominfo"])
    another_day = await city_programme(api, m.officer, asnOnly=False, weekdays=[today_wib() % 7 + 1])
    sellers_only = await city_programme(api, m.officer, asnOnly=False, roles=["SELLER"])
    fashion = await city_programme(api, m.officer, asnOnly=False, category="fashion")
    of_bappeda = await asn(api, "Bappeda")

    assert refusal(await discounted(api, m.buyer, beras, programme["code"])) == (
        "VOUCHER_NOT_ELIGIBLE", ["input", "voucherCodes", "0"])  # not ASN
    assert refusal(await discounted(api, of_bappeda, beras, programme["code"]))[0] == "VOUCHER_NOT_ELIGIBLE"
    refused = await discounted(api, m.buyer, beras, another_day["code"])
    assert refusal(refused)[0] == "VOUCHER_NOT_ELIGIBLE" and "(WIB) only" in refused["errors"][0]["message"]
    assert refusal(await discounted(api, m.buyer, beras, sellers_only["code"]))[0] == "VOUCHER_NOT_ELIGIBLE"
    assert refusal(await discounted(api, m.buyer, beras, fashion["code"]))[0] == "VOUCHER_NOT_ELIGIBLE"


async def test_the_budget_stops_the_discount_it_cannot_cover_and_a_cancelled_order_gives_it_back(api: Api) -> None:
    m = await market(api)
    programme = await city_programme(api, m.officer, asnOnly=False, budget=20000)  # one beras' 13.500, not two
    beras = cart([(m.beras, 1)], [(m.shop, "pickup")])

    first = (await discounted(api, m.buyer, beras, programme["code"]))["checkout"]["orders"][0]
    assert refusal(await discounted(api, m.buyer, beras, programme["code"])) == (
        "BUDGET_EXHAUSTED", ["input", "voucherCodes", "0"])
    assert (await attempt(api, "cancelOrder", first, m.seller, reason="Stok basah"))["errors"] == []
    assert (await discounted(api, m.buyer, beras, programme["code"]))["errors"] == []


async def test_a_city_discount_stacks_on_the_shops_and_is_taken_from_what_is_left(api: Api) -> None:
    m = await market(api)
    shops = await shop_promotion(api, m.seller, m.shop, value=10)
    programme = await city_programme(api, m.officer, asnOnly=False)

    # the codes in either order: the shop's comes off first
    result = await discounted(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]), programme["code"], shops["code"])

    (order,) = result["checkout"]["orders"]
    assert sorted((d["funder"], d["amount"]) for d in order["discounts"]) == [("CITY", 12150), ("SHOP", 6750)]
    assert (order["discount"], order["total"]) == (18900, 48600)  # 10% of 67.500, then 20% of 60.750


async def test_two_programmes_in_one_checkout_do_not_stack(api: Api) -> None:
    m = await market(api)
    first = await city_programme(api, m.officer, asnOnly=False)
    second = await city_programme(api, m.officer, asnOnly=False)

    refused = await discounted(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]), first["code"], second["code"])

    assert refusal(refused) == ("VOUCHER_NOT_STACKABLE", ["input", "voucherCodes", "1"])


async def test_an_officer_is_told_every_wrong_field_of_a_programme_and_a_seller_cannot_make_one(api: Api) -> None:
    m = await market(api)
    wrong = programme_input(budget=0, weekdays=[8], category="jamu", kind="AMOUNT_OFF", value=0)

    result = await api.gql(CREATE_CITY_PROGRAMME, {"input": wrong}, m.officer.token)

    fields = {(e["code"], ".".join(e["field"])) for e in result["createCityProgramme"]["errors"]}
    assert fields == {("REQUIRED", "input.budget"), ("INVALID", "input.weekdays.0"), ("NOT_FOUND", "input.category"),
                      ("INVALID", "input.value")}
    by_seller = await api.gql(CREATE_CITY_PROGRAMME, {"input": programme_input()}, m.seller.token)
    assert [e["code"] for e in by_seller["createCityProgramme"]["errors"]] == ["FORBIDDEN"]

"""The authorization matrix: every protected query (entities reached through `_entities` too) against every role,
with the owner and a non-owner of each thing. Only what the table allows shows data; everyone else sees nothing or is
refused with UNAUTHENTICATED, FORBIDDEN or NOT_FOUND. The table must cover the schema: a query missing from it fails a
test, so a new one gets its row. Run with -s to see the matrix printed. (The mutations' matrix is
test_authorization_mutations.py; the world both act in is tests/helpers/authorization.py.)"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import serve
from tests.helpers.authorization import (
    ACTORS,
    CITY,
    REFUSALS,
    SIGNED_IN,
    World,
    build_world,
    print_matrix,
)
from umkm_graph.graphql_schema import build_schema
from umkm_graph.settings import Settings

Seen = Callable[[dict[str, Any], World, str], bool]


@dataclass(frozen=True)
class Read:
    name: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    allowed: frozenset[str]
    sees: Seen  # whether this answer shows the protected data
    label: str = ""


def _data(key: str) -> Seen:
    return lambda body, world, actor: (body.get("data") or {}).get(key) is not None


def _path(*keys: str) -> Seen:
    def sees(body: dict[str, Any], world: World, actor: str) -> bool:
        value: Any = body.get("data")
        for key in keys:
            if not isinstance(value, dict) or value.get(key) is None:
                return False
            value = value[key]
        return True
    return sees


def _lists(key: str, wanted: Callable[[World], str]) -> Seen:
    def sees(body: dict[str, Any], world: World, actor: str) -> bool:
        connection = (body.get("data") or {}).get(key)
        return connection is not None and wanted(world) in [e["node"]["id"] for e in connection["edges"]]
    return sees


def _entity(body: dict[str, Any], world: World, actor: str) -> bool:
    entities = (body.get("data") or {}).get("_entities") or [None]
    return entities[0] is not None


def _me(body: dict[str, Any], world: World, actor: str) -> bool:
    me = (body.get("data") or {}).get("me")
    return me is not None and me["id"] == world.cast[actor].id


def r(name: str, document: str, variables: Callable[[World], dict[str, Any]], allowed: frozenset[str] | set[str],
      sees: Seen, label: str = "") -> Read:
    return Read(name, document, variables, frozenset(allowed), sees, label or name)


ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } ... on Shop { id } " \
           "... on Product { id } ... on Review { id } } }"


PERIOD = {"period": {"month": "2026-10"}}


READER_QUERIES = {
    "asnParticipation": "query($period: PeriodInput!) { asnParticipation(period: $period) { __typename } }",
    "spendTargets": "{ spendTargets { __typename } }",
    "shopLeaderboard": "query($period: PeriodInput!) { shopLeaderboard(period: $period) { totalCount } }",
    "referencePrices": "{ referencePrices { __typename } }",
    "sembakoPrices": "{ sembakoPrices { __typename } }",
    "priceFlags": "{ priceFlags { totalCount } }",
    "salesAggregates": "query($period: PeriodInput!) { salesAggregates(period: $period, interval: MONTH) { __typename } }",
    "commodityPriceSeries": "query($period: PeriodInput!) { commodityPriceSeries(commodity: \"beras\", period: $period, "
                            "interval: MONTH) { __typename } }",
    "cityCashOnDelivery": "{ cityCashOnDelivery { __typename } }",
    "cityComplaintCounts": "{ cityComplaintCounts { __typename } }",
    "citySpread": "{ citySpread { __typename } }",
    "citySpreadByPeriod": "query($period: PeriodInput!) { citySpreadByPeriod(period: $period, interval: MONTH) "
                          "{ __typename } }",
}


READS = [
    r("shopPromotions", "query($shop: ID!) { shopPromotions(shopId: $shop) { id } }", lambda w: {"shop": w.shop["id"]},
      {"seller"}, _data("shopPromotions")),
    r("cityProgrammes", "{ cityProgrammes { id } }", lambda w: {}, CITY, _data("cityProgrammes")),
    r("cityProgrammeFigures", "{ cityProgrammeFigures { suppressed } }", lambda w: {}, CITY,
      _data("cityProgrammeFigures")),
    r("certificates", "{ certificates { totalCount } }", lambda w: {}, CITY, _data("certificates")),
    r("popularInMyOpd", "{ popularInMyOpd { totalCount } }", lambda w: {}, set(), _data("popularInMyOpd"),
      label="popularInMyOpd (an ASN's own OPD; no actor here is ASN)"),
    r("me", "{ me { id } }", lambda w: {}, SIGNED_IN, _me),
    r("opds", "{ opds(includeInactive: true) { code } }", lambda w: {}, set(ACTORS),
      lambda body, world, actor: len((body.get("data") or {}).get("opds") or []) > 0,
      label="opds (inactive ones for the city only: tests/people/test_opds.py)"),
    r("opdChanges", "query($id: ID!) { opdChanges(opdId: $id) { field } }", lambda w: {"id": "1"}, CITY,
      _data("opdChanges")),
    r("rosterImport", "query($id: ID!) { rosterImport(id: $id) { id rejections { row } } }",
      lambda w: {"id": w.roster_import["id"]}, CITY, _data("rosterImport")),
    r("rosterImports", "{ rosterImports { id } }", lambda w: {}, CITY, _data("rosterImports")),
    r("officeDeliveryDays", '{ officeDeliveryDays(opdCode: "DISKOMINFO") { id } }', lambda w: {}, CITY,
      _data("officeDeliveryDays")),
    r("myOfflineClaims", "{ myOfflineClaims { id } }", lambda w: {}, SIGNED_IN, _data("myOfflineClaims")),
    r("offlineClaims", "{ offlineClaims { id } }", lambda w: {}, CITY, _data("offlineClaims")),
    r("offlineClaimsSummary", '{ offlineClaimsSummary(month: "2026-10-01") { approvedClaims } }', lambda w: {}, CITY,
      _data("offlineClaimsSummary")),
    r("officeBatches", "query($shop: ID!) { officeBatches(shopId: $shop) { id } }", lambda w: {"shop": w.shop["id"]},
      {"seller"}, _data("officeBatches")),
    r("order", "query($id: ID!) { order(id: $id) { id } }", lambda w: {"id": w.order["id"]},
      {"buyer", "seller", "officer"}, _data("order")),
    r("order", "query($id: ID!) { order(id: $id) { pickupCode } }", lambda w: {"id": w.order["id"]},
      {"buyer", "seller"}, _path("order", "pickupCode"), label="Order.pickupCode"),
    r("order", "query($id: ID!) { order(id: $id) { buyer { phone } } }", lambda w: {"id": w.order["id"]},
      {"buyer", "officer"}, _path("order", "buyer", "phone"), label="Order.buyer.phone"),
    r("myOrders", "{ myOrders { edges { node { id } } } }", lambda w: {}, {"buyer"}, _lists("myOrders", lambda w: w.order["id"])),
    r("shopOrders", "query($shop: ID!) { shopOrders(shopId: $shop) { edges { node { id } } } }",
      lambda w: {"shop": w.shop["id"]}, {"seller", "officer"}, _lists("shopOrders", lambda w: w.order["id"])),
    r("shopCashStatement", "query($shop: ID!) { shopCashStatement(shopId: $shop, from: \"2026-12-01\") { day } }",
      lambda w: {"shop": w.shop["id"]}, {"seller"}, _data("shopCashStatement")),
    r("shopBalance", "query($shop: ID!) { shopBalance(shopId: $shop) { balance entries { totalCount } } }",
      lambda w: {"shop": w.shop["id"]}, {"seller", "officer"}, _path("shopBalance", "entries")),
    r("cityBalances", "{ cityBalances { total { balance } byShop { totalCount } } }", lambda w: {}, {"officer"},
      _data("cityBalances")),
    r("shops", "{ shops(filter: {status: PENDING}) { edges { node { id } } } }", lambda w: {}, CITY,
      _lists("shops", lambda w: w.pending_shop["id"]), label="shops(status: PENDING)"),
    r("shops", "{ shops(filter: {mine: true}) { edges { node { id } } } }", lambda w: {}, {"seller"},
      _lists("shops", lambda w: w.pending_shop["id"]), label="shops(mine: true)"),
    r("shop", "query($id: ID!) { shop(id: $id) { id } }", lambda w: {"id": w.pending_shop["id"]},
      {"seller"} | CITY, _data("shop"), label="shop (pending)"),
    r("shop", "query($id: ID!) { shop(id: $id) { npwp } }", lambda w: {"id": w.shop["id"]},
      {"seller"} | CITY, _path("shop", "npwp"), label="Shop.npwp"),
    r("product", "query($id: ID!) { product(id: $id) { id } }", lambda w: {"id": w.hidden_product["id"]},
      {"seller"} | CITY, _data("product"), label="product (of a pending shop)"),
    r("deliveryOptions", "query($shop: ID!) { deliveryOptions(shopId: $shop) { provider } }",
      lambda w: {"shop": w.pending_shop["id"]}, {"seller"} | CITY, _data("deliveryOptions"),
      label="deliveryOptions (pending shop)"),
    r("deliveryQuotes", "query($input: DeliveryQuotesInput!) { deliveryQuotes(input: $input) { __typename } }",
      lambda w: {"input": {"shopId": w.shop["id"], "lines": [{"productId": w.product["id"], "quantity": 1}]}},
      SIGNED_IN, _data("deliveryQuotes")),
    r("plugins", "{ plugins { name } }", lambda w: {}, CITY, _data("plugins")),
    r("sharedShopNumbers", "{ sharedShopNumbers { number } }", lambda w: {}, {"officer"}, _data("sharedShopNumbers")),
    r("myNotificationPreferences", "{ myNotificationPreferences { language } }", lambda w: {}, SIGNED_IN,
      _data("myNotificationPreferences")),
    r("notificationOutbox", "{ notificationOutbox { totalCount } }", lambda w: {}, {"officer"},
      _data("notificationOutbox")),
    r("notificationOutboxCounts", "{ notificationOutboxCounts { pending } }", lambda w: {}, CITY,
      _data("notificationOutboxCounts")),
    r("shopScorecard", "query($shop: ID!, $period: PeriodInput!) { shopScorecard(shopId: $shop, period: $period) "
      "{ __typename } }", lambda w: {"shop": w.shop["id"], **PERIOD}, {"seller"} | CITY, _data("shopScorecard")),
    r("priceHistory", "query($id: ID!) { priceHistory(productId: $id) { totalCount } }",
      lambda w: {"id": w.product["id"]}, CITY, _data("priceHistory")),
    *(r(name, document, lambda w, d=document: dict(PERIOD) if "$period" in d else {}, CITY, _data(name))
      for name, document in READER_QUERIES.items()),
    # Each person's own address book and cart (their contents' privacy: tests/people/test_addresses.py,
    # tests/checkout/test_cart.py); the cart is for those who shop.
    r("myAddresses", "{ myAddresses { id } }", lambda w: {}, SIGNED_IN, _data("myAddresses")),
    # Each person's own follows (tests/shops/test_following.py).
    r("myFollowedShops", "{ myFollowedShops { totalCount } }", lambda w: {}, SIGNED_IN, _data("myFollowedShops")),
    r("products", "query($a: ID!) { products(filter: {near: {addressId: $a}}) { totalCount } }",
      lambda w: {"a": w.address_id}, {"buyer"}, _data("products"), label="products (near a saved address)"),
    r("shopClass", "query($shop: ID!) { shopClass(shopId: $shop) { sizeClass } }", lambda w: {"shop": w.shop["id"]},
      {"seller"} | CITY, _data("shopClass")),
    r("shopMentorings", "query($shop: ID!) { shopMentorings(shopId: $shop) { id } }", lambda w: {"shop": w.shop["id"]},
      {"seller"} | CITY, _data("shopMentorings")),
    r("mentoringEffect", "query($id: ID!) { mentoringEffect(mentoringId: $id) { days } }",
      lambda w: {"id": w.mentoring_id}, CITY, _data("mentoringEffect")),
    r("shopsMovedUp", "{ shopsMovedUp(since: \"2026-01-01\") { totalCount } }", lambda w: {}, CITY,
      _data("shopsMovedUp")),
    r("myReferralCode", "{ myReferralCode }", lambda w: {}, {"buyer", "other_buyer", "seller", "other_seller"},
      _data("myReferralCode")),
    r("myRewardVouchers", "{ myRewardVouchers { reason } }", lambda w: {},
      {"buyer", "other_buyer", "seller", "other_seller"}, _data("myRewardVouchers")),
    r("myCart", "{ myCart { subtotal } }", lambda w: {}, {"buyer", "other_buyer", "seller", "other_seller"},
      _data("myCart")),
    r("cashUnconfirmedOrders", "{ cashUnconfirmedOrders { totalCount } }", lambda w: {}, {"officer"},
      _data("cashUnconfirmedOrders")),
    r("orderComplaints", "query($id: ID!) { orderComplaints(orderId: $id) { id } }", lambda w: {"id": w.order["id"]},
      {"buyer", "seller", "officer"}, _data("orderComplaints")),
    r("shopComplaintCounts", "query($shop: ID!) { shopComplaintCounts(shopId: $shop) { kind count } }",
      lambda w: {"shop": w.shop["id"]}, {"seller"} | CITY, _data("shopComplaintCounts")),
    r("cityComplaints", "{ cityComplaints { totalCount } }", lambda w: {}, {"officer"}, _data("cityComplaints")),
    # Office procurement: the world's order is an ASN's (outside the cast) procurement; its shop's seller and city
    # officers see it (tests/procurement/test_procurement.py covers the office's own people).
    r("procurement", "query($id: ID!) { procurement(id: $id) { id } }", lambda w: {"id": w.procurement_id},
      {"seller", "officer"}, _data("procurement")),
    r("procurements", "{ procurements { edges { node { id } } } }", lambda w: {}, {"seller", "officer"},
      _lists("procurements", lambda w: w.procurement_id)),
    r("procurementAudit", "query($id: ID!) { procurementAudit(id: $id) { action } }",
      lambda w: {"id": w.procurement_id}, {"seller", "officer"}, _data("procurementAudit")),
    r("procurementSpending", "{ procurementSpending(month: \"2026-11\") { month } }", lambda w: {}, CITY,
      _data("procurementSpending")),
    r("owedRefunds", "{ owedRefunds { totalCount } }", lambda w: {}, {"officer"}, _data("owedRefunds")),
    r("staffAccounts", "{ staffAccounts { totalCount } }", lambda w: {}, {"officer"}, _data("staffAccounts")),
    r("_entities", ENTITIES, lambda w: {"r": [{"__typename": "Order", "id": w.order["id"]}]},
      {"buyer", "seller", "officer"}, _entity, label="_entities Order"),
    r("_entities", ENTITIES, lambda w: {"r": [{"__typename": "Shop", "id": w.pending_shop["id"]}]},
      {"seller"} | CITY, _entity, label="_entities Shop (pending)"),
    r("_entities", ENTITIES, lambda w: {"r": [{"__typename": "Product", "id": w.hidden_product["id"]}]},
      {"seller"} | CITY, _entity, label="_entities Product (of a pending shop)"),
]


# Readable by everyone, by design: the storefront, reviews, what checkout offers, and the federation SDL.
PUBLIC_QUERIES = {"products", "productSearch", "categories", "review", "paymentMethods", "_service", "trendingProducts",
                  "verifyProcurementPaper"}


async def test_every_protected_query_shows_its_data_only_to_whom_the_table_allows(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, rate_limit_per_ip=0, rate_limit_per_user=0)) as api:
        world = await build_world(api, settings)
        wrong, table = [], []
        for row in READS:
            marks = []
            for actor in ACTORS:
                body = await api.post(row.document, row.variables(world), world.token(actor))
                codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
                sees = row.sees(body, world, actor)
                problem = None
                if "INTERNAL" in codes:
                    problem = f"server error {body['errors']}"
                elif actor in row.allowed and not sees:
                    problem = f"allowed but not shown: {body}"
                elif actor not in row.allowed and sees:
                    problem = f"shown though not allowed: {body['data']}"
                elif codes and not set(codes) <= REFUSALS:
                    problem = f"refused with an unexpected code: {body['errors']}"
                if problem:
                    wrong.append(f"{row.label} as {actor}: {problem}")
                marks.append(("shown" if actor in row.allowed else "hidden") + (" ✗" if problem else ""))
            table.append((row.label, marks))
    print_matrix("query", table)
    assert not wrong, "\n".join(wrong)


def test_every_query_of_the_schema_is_protected_in_the_table_or_public_by_design() -> None:
    schema = build_schema()._schema
    missing = set(schema.query_type.fields) - {row.name for row in READS} - PUBLIC_QUERIES  # type: ignore[union-attr]
    assert not missing, f"add these queries to the authorization matrix, or to PUBLIC_QUERIES: {sorted(missing)}"

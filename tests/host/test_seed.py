"""The demo data: deterministic, realistic for Kota Malang, and consistent with the marketplace's rules."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.live import free_port, post_graphql_sync, server_process
from umkm_graph.catalog.models import Product
from umkm_graph.checkout.models import Checkout
from umkm_graph.cli import main
from umkm_graph.core.regions import KELURAHAN
from umkm_graph.demo.seed import (
    ANCHOR,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_SHOP_SLUG,
    HISTORY_DAYS,
    SeedError,
    seed_demo_if_empty,
    seed_open_database,
)
from umkm_graph.orders.models import Order, OrderLine, OrderTransition
from umkm_graph.payments.models import Payment
from umkm_graph.people.models import User
from umkm_graph.people.nip import parse_nip
from umkm_graph.reviews.models import Review
from umkm_graph.shops.models import Shop

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { role } errors { code } } }"
PRODUCTS = """
query($filter: ProductFilterInput, $after: String) {
  products(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { name price unit packSize netWeightGrams unitPrice { price per } category { slug } shop { slug } } }
  }
}
"""
SHOPS = """
query($filter: ShopFilterInput, $after: String) {
  shops(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { slug status kecamatan kelurahan nib phone latitude longitude deliveryFees { kecamatan fee } } }
  }
}
"""
# domain.md, "Daily needs first": rupiah per kg (per litre for minyak goreng).
SEMBAKO_RANGES = {"beras": (12_500, 15_000), "minyak-goreng": (15_000, 17_500), "telur": (24_000, 30_000),
                  "gula": (16_000, 18_500)}


async def all_nodes(api: Api, query: str, variables: dict[str, Any], token: str | None = None) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await api.gql(query, {**variables, "after": after}, token)
        (connection,) = data.values()
        nodes += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


async def login(api: Api, email: str) -> str:
    return (await api.ok(LOGIN, {"e": email, "p": DEMO_PASSWORD}))["token"]


async def snapshot() -> dict[str, list[str]]:
    """Everything seeded, by natural keys rather than ids, in a fixed order."""
    rows = {
        "users": await User.all().values_list("email", "name", "role", "phone", "nip", "opd", "created_at"),
        "shops": await Shop.all().values_list(
            "slug", "name", "owner__email", "kecamatan", "kelurahan", "address", "latitude", "longitude", "phone",
            "nib", "npwp", "status", "delivery_fees", "rating_sum", "review_count", "created_at",
        ),
        "products": await Product.all().values_list(
            "shop__slug", "name", "category__slug", "unit", "pack_size", "net_weight_grams", "price", "stock",
            "is_active", "rating_sum", "review_count", "created_at",
        ),
        "orders": await Order.all().values_list(
            "buyer__email", "shop__slug", "status", "delivery_method", "payment_method", "total", "created_at"
        ),
        "reviews": await Review.all().values_list("buyer__email", "product__name", "rating", "text", "created_at"),
    }
    return {name: sorted(repr(row) for row in table) for name, table in rows.items()}


async def wipe() -> None:
    for model in (Review, Payment, OrderTransition, OrderLine, Order, Checkout, Product, Shop, User):
        await model.all().delete()


async def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(api: Api) -> None:
    await seed_open_database(seed=7)
    first = await snapshot()
    await wipe()
    await seed_open_database(seed=7)
    again = await snapshot()
    await wipe()
    await seed_open_database(seed=8)
    other = await snapshot()
    assert first == again
    assert first["users"] != other["users"] and first["products"] != other["products"]


async def test_every_seeded_nip_is_valid_and_asn_work_across_opds(api: Api) -> None:
    await seed_open_database()
    asn = await User.filter(nip__isnull=False).values_list("nip", "opd")
    for nip, _ in asn:
        parse_nip(nip)  # raises when invalid
    assert len({nip for nip, _ in asn}) == len(asn) >= 24
    opds = {opd for _, opd in asn}
    assert {"Diskominfo", "Diskopindag", "Disdikbud", "Dinkes"} <= opds  # short names on the list
    assert await User.filter(role="BUYER", nip__isnull=True).count() >= 3, "resident buyers who are not ASN"


async def test_every_kecamatan_has_verified_shops_with_real_places_and_identities(api: Api) -> None:
    await seed_open_database()
    for kecamatan, kelurahan in KELURAHAN.items():
        found = await all_nodes(api, SHOPS, {"filter": {"kecamatan": kecamatan}})
        assert len(found) >= 2, kecamatan
        for shop in found:
            assert shop["status"] == "VERIFIED" and shop["kelurahan"] in kelurahan
            assert re.fullmatch(r"[0-9]{13}", shop["nib"])
            assert re.fullmatch(r"(0341[0-9]{6}|08[0-9]{10})", shop["phone"]), shop["phone"]
            assert -8.05 < shop["latitude"] < -7.90 and 112.57 < shop["longitude"] < 112.70
            fees = {fee["kecamatan"]: fee["fee"] for fee in shop["deliveryFees"]}
            assert 5_000 <= fees[kecamatan] <= min(fees.values()) + 1_000, "delivering nearby is cheapest"


async def test_sembako_prices_per_kg_or_litre_are_within_the_ranges_in_domain_notes(api: Api) -> None:
    await seed_open_database()
    sembako = await all_nodes(api, PRODUCTS, {"filter": {"category": "sembako"}})
    for product in sembako:
        low, high = SEMBAKO_RANGES[product["category"]["slug"]]
        per = "LITRE" if product["category"]["slug"] == "minyak-goreng" else "KG"
        assert product["unitPrice"]["per"] == per, product
        assert low <= product["unitPrice"]["price"] <= high, product
    packs = {(p["category"]["slug"], p["unit"], p["packSize"]) for p in sembako}
    assert {("beras", "KG", 5.0), ("beras", "KG", 25.0), ("minyak-goreng", "LITRE", 1.0),
            ("minyak-goreng", "LITRE", 2.0), ("telur", "KG", 1.0), ("telur", "TRAY", 1.0), ("gula", "KG", 1.0)} <= packs
    trays = [p for p in sembako if p["unit"] == "TRAY"]
    assert trays and all(1_700 <= p["netWeightGrams"] <= 2_000 and "30 butir" in p["name"] for p in trays)


async def test_other_categories_are_on_sale_too(api: Api) -> None:
    await seed_open_database()
    for category in ("kuliner", "kerajinan", "fashion"):
        assert await all_nodes(api, PRODUCTS, {"filter": {"category": category}}), category


async def test_seeded_orders_payments_reviews_and_ratings_agree(api: Api) -> None:
    await seed_open_database()
    orders = await Order.all().prefetch_related("lines", "payment")
    statuses = {order.status.value for order in orders}
    assert {"COMPLETED", "DELIVERED", "CANCELLED", "PLACED"} <= statuses
    for order in orders:
        assert order.total == sum(line.line_total for line in order.lines) + order.delivery_fee
        assert ANCHOR - dt.timedelta(days=HISTORY_DAYS + 1) < order.created_at < ANCHOR
        paid = {"COMPLETED": "PAID", "DELIVERED": "PAID", "CANCELLED": "CANCELLED", "PLACED": "PENDING"}
        if order.status.value in paid:
            assert order.payment.status.value == paid[order.status.value], order.status
    reviews = await Review.all().prefetch_related("order_line__order")
    assert len(reviews) >= 20
    assert all(r.order_line.order.status.value in {"DELIVERED", "COMPLETED"} for r in reviews)
    for model, key in ((Product, "product_id"), (Shop, "shop_id")):
        for row in await model.filter(review_count__gt=0):
            ratings = [r.rating for r in reviews if getattr(r, key) == row.id]
            assert (row.rating_sum, row.review_count) == (sum(ratings), len(ratings))
    assert not await Product.filter(stock__lt=0).exists()


async def test_pending_shops_exist_and_are_hidden_from_the_storefront(api: Api) -> None:
    await seed_open_database()
    officer = await login(api, "officer@malangkota.go.id")
    pending = {s["slug"] for s in await all_nodes(api, SHOPS, {"filter": {"status": "PENDING"}}, officer)}
    assert len(pending) >= 3
    listed = {p["shop"]["slug"] for p in await all_nodes(api, PRODUCTS, {})}
    assert listed and not listed & pending
    for slug in pending:
        assert (await api.gql("query($s: String!) { shop(slug: $s) { id } }", {"s": slug}))["shop"] is None
    assert await Product.filter(shop__slug__in=list(pending)).exists(), "pending shops have products waiting"


async def test_the_documented_shop_shows_badges_one_due_for_renewal_and_a_certificate_waits(api: Api) -> None:
    await seed_open_database()
    seller, officer = await login(api, "penjual@example.id"), await login(api, "officer@malangkota.go.id")
    shop = (await api.gql("query($s: String!) { shop(slug: $s) { id badges certificates { kind status expiresInDays } "
                          "products(first: 3) { edges { node { badges } } } } }", {"s": DEMO_SHOP_SLUG}, seller))["shop"]
    assert shop["badges"] == ["HALAL", "PIRT"]
    assert {c["kind"]: (c["status"], c["expiresInDays"]) for c in shop["certificates"]} == {
        "HALAL": ("VERIFIED", None), "PIRT": ("VERIFIED", 20), "BPOM": ("PENDING", 1795)}
    assert all(edge["node"]["badges"] == ["HALAL", "PIRT"] for edge in shop["products"]["edges"])
    waiting = (await api.gql("{ certificates(status: PENDING) { totalCount } }", None, officer))["certificates"]
    assert waiting == {"totalCount": 1}


async def test_every_documented_demo_login_signs_in_with_the_printed_password(api: Api) -> None:
    await seed_open_database()
    for demo in DEMO_LOGINS:
        result = await api.ok(LOGIN, {"e": demo.email, "p": DEMO_PASSWORD})
        assert result["user"]["role"] == demo.role.value, demo.email


async def test_a_scale_out_of_range_is_refused_before_anything_is_written(api: Api) -> None:
    with pytest.raises(SeedError, match="scale"):
        await seed_open_database(scale=0)
    assert not await User.exists()


def test_seed_command_prints_the_logins_shows_progress_when_large_and_never_seeds_twice(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UMKM_DATABASE_URL", f"sqlite://{tmp_path}/demo.db")
    assert main(["seed", "--scale", "2"]) == 0
    out, err = capsys.readouterr()
    assert "officer@malangkota.go.id" in out and DEMO_PASSWORD in out
    assert re.search(r"\[#{30}\] (\d+)/\1", err), "a finished progress bar"
    assert main(["seed"]) == 1
    assert "already has accounts" in capsys.readouterr().err


def test_demo_data_is_seeded_only_into_a_database_without_shops(tmp_path: Any) -> None:
    url = f"sqlite://{tmp_path}/demo.db"
    first = asyncio.run(seed_demo_if_empty(url))
    assert first is not None and first.verified_shops >= 10
    assert asyncio.run(seed_demo_if_empty(url)) is None


def test_serve_demo_seeds_an_empty_file_then_serves_the_documented_shop(tmp_path: Path) -> None:
    """What the README's first command does (the other tests of a demo server start on a copy of a seeded file)."""
    port, log = free_port(), tmp_path / "server.log"
    env = {"UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'demo.db'}", "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0"}
    with server_process(env, port, log, "--demo"):
        shop = post_graphql_sync(f"http://127.0.0.1:{port}", f'{{ shop(slug: "{DEMO_SHOP_SLUG}") {{ name }} }}')
        assert shop["shop"]["name"] == "Toko Sembako Bu Sri"
    said = log.read_text()
    assert "officer@malangkota.go.id" in said and "not seeding" not in said

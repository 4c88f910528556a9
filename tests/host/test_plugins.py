"""Plugins: providers load from the plugins dir and entry points, can be blocked, and a provider that raises, hangs or
answers nonsense fails only its own operation, leaving stock and orders as they were."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pluggy
import pytest

import umkm_graph
from tests.helpers.api import Api, serve
from tests.helpers.checkout import (
    ADDRESS,
    CHECKOUT,
    DELIVERY_OPTIONS,
    PAYMENT_METHODS,
    cart,
    check_out,
    market,
    order_count,
    stock,
)
from tests.helpers.orders import attempt, read
from tests.helpers.people import city_person, sign_up
from umkm_graph import cli
from umkm_graph.app import create_app
from umkm_graph.plugin_host import PluginError
from umkm_graph.settings import Settings

TIMEOUT = 0.3

# Written to the plugins dir as fake_gateways.py. It imports only the public hook types, like a partner's plugin would.
FAKE_GATEWAYS = '''
import asyncio
from pathlib import Path

from umkm_graph.hookspecs import (
    DeliveryKind, DeliveryProvider, DeliveryQuote, PaymentMethodInfo, PaymentProvider, PaymentResult, Shipment, hookimpl,
)

LOG = Path(__file__).with_suffix(".log")


def note(line):
    with LOG.open("a") as log:
        log.write(line + "\\n")


class FlakyCash(PaymentProvider):
    """Fails to create payments for one shop; records what it creates and cancels."""
    code = "flaky_cash"
    display_name = "Flaky Cash"
    methods = (PaymentMethodInfo(code="FLAKY_CASH", display_name="Flaky Cash", cash_on_delivery=True),)

    def create_payment(self, request):
        if request.shop.name == "Warung Pak Harto":
            raise ConnectionError("gateway unreachable")
        note(f"created {request.reference} {request.amount}")
        return PaymentResult(provider_reference="fc-" + request.reference)

    def cancel_payment(self, request):
        note(f"cancelled {request.reference} {request.provider_reference}")


class SlowCash(PaymentProvider):
    code = "slow_cash"
    display_name = "Slow Cash"
    methods = (PaymentMethodInfo(code="SLOW_CASH", display_name="Slow Cash", cash_on_delivery=True),)

    async def create_payment(self, request):
        await asyncio.sleep(3600)


class StickyCash(PaymentProvider):
    """Creates payments, but cannot cancel them."""
    code = "sticky_cash"
    display_name = "Sticky Cash"
    methods = (PaymentMethodInfo(code="STICKY_CASH", display_name="Sticky Cash", cash_on_delivery=True),)

    async def create_payment(self, request):
        return PaymentResult(provider_reference="sc-1")

    async def cancel_payment(self, request):
        raise RuntimeError("cancel endpoint returned 500")


class SlowCourier(DeliveryProvider):
    code = "slow_courier"
    display_name = "Slow Courier"
    kind = DeliveryKind.DELIVERY

    async def quote(self, request):
        await asyncio.sleep(3600)


class CarelessCourier(DeliveryProvider):
    code = "careless_courier"
    display_name = "Careless Courier"
    kind = DeliveryKind.DELIVERY

    def quote(self, request):
        return [DeliveryQuote(service="instant", display_name="Instant", fee=-5000)]


class BikeCourier(DeliveryProvider):
    """Quotes by weight and keeps its own shipment reference."""
    code = "bike_courier"
    display_name = "Ojek Sepeda"
    kind = DeliveryKind.DELIVERY

    async def quote(self, request):
        if request.destination is None:
            return []
        return [
            DeliveryQuote(service="regular", display_name="Regular", fee=9000 + request.weight_grams // 1000 * 1000,
                          eta_minutes=90, cash_on_delivery=True),
            DeliveryQuote(service="prepaid", display_name="Prepaid only", fee=7000, cash_on_delivery=False),
        ]

    async def create_shipment(self, request):
        note(f"shipment {request.reference} {request.service} collect {request.cash_on_delivery_amount}")
        return Shipment(reference="bike-" + request.reference)

    def cancel_shipment(self, request):
        note(f"cancel shipment {request.reference} {request.provider_reference}")


@hookimpl
async def register_payment_providers():
    return [FlakyCash(), SlowCash(), StickyCash()]


@hookimpl
def register_delivery_providers(settings):
    return [SlowCourier(), CarelessCourier(), BikeCourier()]
'''


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The usual test settings, with fake gateways in the plugins dir and a short provider timeout."""
    (tmp_path / "fake_gateways.py").write_text(FAKE_GATEWAYS)
    return dataclasses.replace(settings, plugins_dir=str(tmp_path), provider_timeout_seconds=TIMEOUT)


def gateway_log(settings: Settings) -> list[str]:
    log = Path(settings.plugins_dir or "") / "fake_gateways.log"
    return log.read_text().splitlines() if log.exists() else []


async def test_a_payment_provider_that_raises_fails_only_that_checkout_and_undoes_what_it_made(
    api: Api, settings: Settings
) -> None:
    m = await market(api)
    variables = cart([(m.beras, 2), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")], payment="FLAKY_CASH")

    errors = await api.fails(CHECKOUT, variables, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["input", "paymentMethod"])]
    assert "Flaky Cash" in errors[0]["message"] and "gateway unreachable" not in errors[0]["message"]
    assert await stock(api, m.beras, m.seller) == 20 and await stock(api, m.telur, m.other_seller) == 10
    assert await order_count(api, m.buyer) == 0
    created, cancelled = gateway_log(settings)
    reference = created.split()[1]
    assert created == f"created {reference} 135000" and cancelled == f"cancelled {reference} fc-{reference}"
    variables["input"]["paymentMethod"] = "COD"
    assert len((await check_out(api, m.buyer, variables))["orders"]) == 2


async def test_a_payment_provider_that_hangs_times_out_and_nothing_is_written(api: Api) -> None:
    m = await market(api)
    variables = cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")], payment="SLOW_CASH")

    errors = await api.fails(CHECKOUT, variables, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["input", "paymentMethod"])]
    assert f"did not answer within {TIMEOUT:g} seconds" in errors[0]["message"]
    assert await stock(api, m.beras, m.seller) == 20 and await order_count(api, m.buyer) == 0
    assert (await api.gql("{ paymentMethods { code } }"))["paymentMethods"]  # the server is still answering


async def test_a_courier_that_hangs_fails_the_checkout_that_chose_it_and_hides_only_itself(api: Api) -> None:
    m = await market(api)
    errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "slow_courier")], address=ADDRESS), m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["input", "shops", "0", "deliveryProvider"])]
    assert await stock(api, m.beras, m.seller) == 20 and await order_count(api, m.buyer) == 0
    options = (await api.gql(DELIVERY_OPTIONS, {"shop": m.shop["id"], "kecamatan": "Lowokwaru"}))["deliveryOptions"]
    assert [(o["provider"], o["service"]) for o in options] == [
        ("pickup", "standard"), ("shop_courier", "standard"), ("bike_courier", "regular"), ("bike_courier", "prepaid")
    ]


async def test_a_courier_quoting_a_negative_fee_is_a_provider_error(api: Api) -> None:
    m = await market(api)
    errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "careless_courier")], address=ADDRESS), m.buyer.token)
    assert errors[0]["code"] == "PROVIDER_ERROR" and "unusable" in errors[0]["message"]
    assert await stock(api, m.beras, m.seller) == 20


async def test_a_plugin_courier_quotes_by_weight_and_books_the_chosen_service(api: Api, settings: Settings) -> None:
    m = await market(api)
    variables = cart([(m.beras, 2)], [(m.shop, "bike_courier")], address=ADDRESS)
    variables["input"]["shops"][0]["deliveryService"] = "regular"
    order = (await check_out(api, m.buyer, variables))["orders"][0]
    assert order["deliveryFee"] == 9000 + 10_000 and order["total"] == 135000 + 19000
    assert order["delivery"]["provider"] == "bike_courier" and order["delivery"]["service"] == "regular"
    assert gateway_log(settings) == [f"shipment {order['reference']} regular collect {order['total']}"]


async def test_cash_on_delivery_needs_a_courier_that_collects_cash(api: Api) -> None:
    m = await market(api)
    variables = cart([(m.beras, 1)], [(m.shop, "bike_courier")], address=ADDRESS)
    variables["input"]["shops"][0]["deliveryService"] = "prepaid"
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "paymentMethod"])]
    variables["input"]["shops"][0]["deliveryService"] = "express"
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "shops", "0", "deliveryService"])]


async def test_a_provider_failing_to_cancel_leaves_the_order_and_its_stock_as_they_were(api: Api) -> None:
    m = await market(api)
    order = (await check_out(api, m.buyer, cart([(m.beras, 2)], [(m.shop, "pickup")], payment="STICKY_CASH")))["orders"][0]
    errors = (await attempt(api, "cancelOrder", order, m.buyer))["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["id"])]
    after = await read(api, order, m.buyer)
    assert after is not None and after["status"] == "PLACED" and after["payment"]["status"] == "PENDING"
    assert len(after["history"]) == 1 and await stock(api, m.beras, m.seller) == 18


async def test_plugin_payment_methods_are_listed_after_the_built_in_ones(api: Api) -> None:
    methods = (await api.gql(PAYMENT_METHODS))["paymentMethods"]
    assert [x["code"] for x in methods] == ["COD", "FLAKY_CASH", "SLOW_CASH", "STICKY_CASH"]


async def test_blocked_plugins_are_not_loaded(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, blocked_plugins=("cod", "fake_gateways"))) as api:
        assert (await api.gql(PAYMENT_METHODS))["paymentMethods"] == []
        m = await market(api)
        errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), m.buyer.token)
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["input", "paymentMethod"])]
        assert await order_count(api, m.buyer) == 0


def test_a_misspelt_hook_stops_the_start(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "typo.py").write_text(textwrap.dedent("""
        from umkm_graph.hookspecs import hookimpl

        @hookimpl
        def register_delivery_provider():
            return []
    """))
    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'register_delivery_provider'"):
        create_app(settings)


def test_a_hookimpl_asking_for_an_unknown_argument_stops_the_start(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "greedy.py").write_text(textwrap.dedent("""
        from umkm_graph.hookspecs import hookimpl

        @hookimpl
        def register_payment_providers(settings, database):
            return []
    """))
    with pytest.raises(pluggy.PluginValidationError, match="database"):
        create_app(settings)


async def test_two_providers_with_one_code_stop_the_start(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "copycat.py").write_text(textwrap.dedent("""
        from umkm_graph.hookspecs import hookimpl
        from umkm_graph.providers.pickup import Pickup

        @hookimpl
        def register_delivery_providers():
            return [Pickup()]
    """))
    app = create_app(settings)
    with pytest.raises(PluginError, match="'pickup'"):
        async with app.router.lifespan_context(app):
            pass


def test_a_plugin_file_that_fails_to_import_stops_the_start(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import umkm_graph.no_such_module\n")
    with pytest.raises(PluginError, match="broken.py failed to load"):
        create_app(settings)


async def test_a_plugin_installed_as_a_package_loads_through_its_entry_point(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    dist_info = site / "umkm_ojek_plugin-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: umkm-ojek-plugin\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[umkm_graph]\nojek = umkm_ojek_plugin\n")
    (site / "umkm_ojek_plugin.py").write_text(textwrap.dedent("""
        from umkm_graph.hookspecs import DeliveryKind, DeliveryProvider, DeliveryQuote, hookimpl

        class Ojek(DeliveryProvider):
            code = "ojek"
            display_name = "Ojek Kampung"
            kind = DeliveryKind.DELIVERY

            def quote(self, request):
                return [DeliveryQuote(service="motor", display_name="Motor", fee=12000, cash_on_delivery=True)]

        @hookimpl
        def register_delivery_providers():
            return [Ojek()]
    """))
    monkeypatch.syspath_prepend(str(site))
    async with serve(settings) as api:
        m = await market(api)
        options = (await api.gql(DELIVERY_OPTIONS, {"shop": m.shop["id"]}))["deliveryOptions"]
        assert ("ojek", "motor", 12000) in [(o["provider"], o["service"], o["fee"]) for o in options]
    async with serve(dataclasses.replace(settings, blocked_plugins=("ojek",))) as api:
        m = await market(api)
        options = (await api.gql(DELIVERY_OPTIONS, {"shop": m.shop["id"]}))["deliveryOptions"]
        assert "ojek" not in [o["provider"] for o in options]


async def test_cancelling_tells_the_courier_with_its_own_shipment_reference(api: Api, settings: Settings) -> None:
    m = await market(api)
    order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "bike_courier")], address=ADDRESS)))["orders"][0]
    assert (await attempt(api, "cancelOrder", order, m.buyer))["order"]["status"] == "CANCELLED"
    assert gateway_log(settings)[-1] == f"cancel shipment {order['reference']} bike-{order['reference']}"


PLUGINS = """
{ plugins { name version source hooks paymentMethods { code } deliveryProviders { code kind booksWhenReady } } }
"""


async def test_the_plugins_query_lists_each_plugin_with_its_version_hooks_and_offers(api: Api, settings: Settings) -> None:
    officer = await city_person(api)
    plugins = {p["name"]: p for p in (await api.gql(PLUGINS, token=officer.token))["plugins"]}
    names = list(plugins)
    assert names[:3] == ["cod", "pickup", "shop_courier"] and names[-1] == "fake_gateways"  # registration order
    assert plugins["cod"] == {"name": "cod", "version": umkm_graph.__version__, "source": "built-in",
                              "hooks": ["register_payment_providers"], "paymentMethods": [{"code": "COD"}],
                              "deliveryProviders": []}
    local = plugins["fake_gateways"]
    assert local["source"] == f"file {Path(settings.plugins_dir or '') / 'fake_gateways.py'}" and local["version"] is None
    assert local["hooks"] == ["register_delivery_providers", "register_payment_providers"]
    assert [m["code"] for m in local["paymentMethods"]] == ["FLAKY_CASH", "SLOW_CASH", "STICKY_CASH"]
    assert [(d["code"], d["kind"], d["booksWhenReady"]) for d in local["deliveryProviders"]] == [
        ("slow_courier", "DELIVERY", False), ("careless_courier", "DELIVERY", False), ("bike_courier", "DELIVERY", False)
    ]
    # An installed package names its distribution; unconfigured (no API key), it offers nothing, and says so here.
    assert plugins["biteship"]["source"] == "package umkm-graph-biteship" and plugins["biteship"]["deliveryProviders"] == []


async def test_the_plugins_query_is_for_the_city(api: Api) -> None:
    body = await api.post(PLUGINS, token=(await sign_up(api)).token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_plugins_command_lists_what_the_server_would_load(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UMKM_PLUGINS_DIR", settings.plugins_dir or "")
    monkeypatch.setenv("UMKM_BLOCKED_PLUGINS", "shop_courier")
    assert cli.main(["plugins", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert "shop_courier" not in listed and listed["pickup"]["delivery_providers"] == ["pickup"]
    assert listed["fake_gateways"]["payment_methods"] == ["FLAKY_CASH", "SLOW_CASH", "STICKY_CASH"]
    assert cli.main(["plugins"]) == 0
    assert "fake_gateways (no version)  [file " in capsys.readouterr().out


def test_the_plugins_command_fails_loudly_on_a_misspelt_hook(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "typo.py").write_text("from umkm_graph.hookspecs import hookimpl\n\n@hookimpl\n"
                                      "def register_payment_provider():\n    return []\n")
    monkeypatch.setenv("UMKM_PLUGINS_DIR", str(tmp_path))
    assert cli.main(["plugins"]) == 1
    assert "unknown hook 'register_payment_provider'" in capsys.readouterr().err


def test_the_plugins_command_says_what_an_unconfigured_plugin_needs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("UMKM_MIDTRANS_SERVER_KEY", "UMKM_BITESHIP_API_KEY", "UMKM_WHATSAPP_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["plugins"]) == 0
    listing = capsys.readouterr().out
    midtrans = listing[listing.index("midtrans "):]
    assert "  not configured\n    - set UMKM_MIDTRANS_SERVER_KEY" in midtrans
    assert "not configured\n    - set UMKM_BITESHIP_API_KEY" in listing
    assert "not configured\n    - set UMKM_WHATSAPP_ACCESS_TOKEN" in listing
    assert "cod 0.1.0" in listing and "not configured" not in listing[:listing.index("[package")]  # built-ins offer
    monkeypatch.setenv("UMKM_MIDTRANS_SERVER_KEY", "SB-Mid-server-test")
    assert cli.main(["plugins", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["midtrans"]["needs"] == [] and listed["midtrans"]["payment_methods"]
    assert listed["biteship"]["needs"][0].startswith("set UMKM_BITESHIP_API_KEY")

"""examples/plugin-template installs with pip and takes an order from checkout to completion.

The test installs the template with pip, for real, into a temporary directory (`pip install --no-deps --target`) from a
copy of the folder, so neither the shared virtualenv nor the repository is touched, and no other test sees its payment
method. With that directory on sys.path for this test only, the host finds the plugin the way it finds any installed
one: through its entry point in the `umkm_graph` group. (`.ci/run` therefore does not install the template.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.api import serve
from tests.helpers.checkout import CHECKOUT, PAYMENT_METHODS, cart, market
from tests.helpers.orders import attempt
from tests.helpers.paths import REPO
from tests.helpers.people import city_person
from umkm_graph.settings import Settings

TEMPLATE = REPO / "examples" / "plugin-template"


@pytest.fixture(scope="module")
def template_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("template-source") / "plugin-template"
    shutil.copytree(TEMPLATE, source)  # pip builds in the source folder: keep its build files out of the repository
    site = tmp_path_factory.mktemp("template-site")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return site


async def test_the_installed_template_is_listed_and_takes_an_order_to_completion(
    settings: Settings, template_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(template_site))
    async with serve(settings) as api:
        officer = await city_person(api)
        plugins = {p["name"]: p for p in (await api.gql(
            "{ plugins { name version source paymentMethods { code } } }", token=officer.token))["plugins"]}
        assert plugins["plugin_template"] == {"name": "plugin_template", "version": "0.1.0",
                                              "source": "package umkm-graph-plugin-template",
                                              "paymentMethods": [{"code": "QRIS_ON_DELIVERY"}]}
        methods = {m["code"]: m for m in (await api.gql(PAYMENT_METHODS))["paymentMethods"]}
        assert methods["QRIS_ON_DELIVERY"]["maxAmount"] == 5_000_000

        m = await market(api)
        order = (await api.ok(CHECKOUT, cart([(m.beras, 2)], [(m.shop, "pickup")], payment="QRIS_ON_DELIVERY"),
                              m.buyer.token))["checkout"]["orders"][0]
        assert order["status"] == "PLACED" and order["payment"]["provider"] == "qris_on_delivery"
        for name, person in (("acceptOrder", m.seller), ("markReadyForPickup", m.seller), ("markDelivered", m.seller),
                             ("confirmCashCollected", m.seller), ("completeOrder", m.buyer)):
            assert (await attempt(api, name, order, person))["errors"] == [], name
        done = (await attempt(api, "completeOrder", order, m.buyer))["errors"]
        assert [e["code"] for e in done] == ["INVALID_TRANSITION"]  # already COMPLETED


def test_the_template_imports_only_the_public_hook_types() -> None:
    source = (TEMPLATE / "src" / "umkm_plugin_template" / "__init__.py").read_text()
    imported = {line.split()[1] for line in source.splitlines() if line.startswith(("from umkm_graph", "import umkm_graph"))}
    assert imported == {"umkm_graph.hookspecs", "umkm_graph.settings"}


async def test_the_templates_notifier_spools_a_buyers_messages_for_the_sms_channel(
    settings: Settings, template_site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json

    from tests.helpers.api import Api, asgi_client, started_app
    from tests.helpers.checkout import check_out
    from tests.helpers.mail import PREFERENCES, run_jobs

    monkeypatch.syspath_prepend(str(template_site))
    spool = tmp_path / "sms.jsonl"
    monkeypatch.setenv("UMKM_PLUGIN_TEMPLATE_SMS_SPOOL", str(spool))
    async with started_app(settings) as app:
        client = asgi_client(app)
        api = Api(client)
        m = await market(api)
        on = {"channels": [{"channel": "sms", "enabled": True, "address": "+62 812-3456-7890"}]}
        await api.ok(PREFERENCES, {"input": on}, m.buyer.token)
        order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"][0]
        assert (await attempt(api, "acceptOrder", order, m.seller))["errors"] == []
        await run_jobs(app, settings)
        await client.aclose()
    (line,) = [json.loads(text) for text in spool.read_text().splitlines()]
    assert line["to"] == "6281234567890" and line["text"].startswith(f"Pesanan {order['reference']} diterima: ")

"""docs/plugins.md documents every hook and every provider method with the signature hookspecs.py has, says for each hook
whether it is firstresult and how it may answer, and its examples are code that runs: the complete example plugin goes
through checkout, the courier booking and signed webhooks to DELIVERED, and its cash remittance settles the order's
cash once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import inspect
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.api import serve
from tests.helpers.checkout import ADDRESS, CHECKOUT, cart, market
from tests.helpers.orders import attempt
from tests.helpers.paths import REPO
from umkm_graph import hookspecs
from umkm_graph.settings import Settings

GUIDE = REPO / "docs" / "plugins.md"
HOOK_HEADING = re.compile(r"^### `(\w+)\((.*)\) -> (.+)`$", re.MULTILINE)
METHOD_HEADING = re.compile(r"^#### `(\w+)\.(\w+)\((.*)\) -> (.+)`$", re.MULTILINE)
BLOCK = re.compile(r"^```python( example-[a-z]+)?\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def today() -> str:
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()


def guide() -> str:
    return GUIDE.read_text()


def signature(function: Any) -> str:
    """`name(param: Type, ...) -> Return` as hookspecs.py spells the annotations."""
    notes = function.__annotations__
    params = [name if name == "self" else f"{name}: {notes[name]}" for name in inspect.signature(function).parameters]
    return f"{function.__name__}({', '.join(params)}) -> {notes['return']}"


def hookspecs_by_name() -> dict[str, Any]:
    return {name: f for name, f in vars(hookspecs).items() if callable(f) and hasattr(f, f"{hookspecs.PROJECT}_spec")}


def section(text: str, heading_start: int) -> str:
    """From a heading to the next heading of any level."""
    rest = text[heading_start:]
    body = rest.index("\n") + 1
    following = re.search(r"^#{1,4} ", rest[body:], re.MULTILINE)
    return rest if following is None else rest[: body + following.start()]


def documented_hooks() -> dict[str, tuple[str, str]]:
    text = guide()
    return {m.group(1): (m.group(0).strip("#` \n"), section(text, m.start())) for m in HOOK_HEADING.finditer(text)}


def test_every_hookspec_is_in_the_guide_with_its_exact_signature() -> None:
    specs, documented = hookspecs_by_name(), documented_hooks()
    assert specs, "no hookspecs found"
    assert set(documented) == set(specs), "the guide's hooks and hookspecs.py differ"
    for name, spec in specs.items():
        assert documented[name][0] == signature(spec), f"the guide's signature of {name} differs from hookspecs.py"


def test_each_hook_section_gives_every_parameter_the_return_how_it_answers_firstresult_and_an_example() -> None:
    documented = documented_hooks()
    for name, spec in hookspecs_by_name().items():
        text = documented[name][1]
        for param in inspect.signature(spec).parameters:
            assert f"- `{param}`" in text, f"{name}: parameter {param} is not described"
        assert "**Returns**" in text and "**Sync or awaitable**" in text, name
        firstresult = getattr(spec, f"{hookspecs.PROJECT}_spec")["firstresult"]
        assert f"**firstresult**: {'yes' if firstresult else 'no'}" in text, f"{name}: firstresult is misstated"
        assert "```python" in text, f"{name} has no example"


def test_every_provider_method_is_in_the_guide_with_its_exact_signature() -> None:
    documented = {(m.group(1), m.group(2)): m.group(0).strip("#` \n") for m in METHOD_HEADING.finditer(guide())}
    expected = {}
    for base in (hookspecs.DeliveryProvider, hookspecs.PaymentProvider, hookspecs.DisbursementProvider,
                 hookspecs.Notifier):
        for name, member in vars(base).items():
            if inspect.isfunction(member) and not name.startswith("_"):
                expected[(base.__name__, name)] = f"{base.__name__}.{signature(member)}"
    assert set(documented) == set(expected), "the guide's provider methods and hookspecs.py differ"
    for key, heading in expected.items():
        assert documented[key] == heading, f"the guide's signature of {key[0]}.{key[1]} differs from hookspecs.py"


def test_every_example_in_the_guide_compiles() -> None:
    blocks = BLOCK.findall(guide())
    assert len(blocks) >= 10
    for i, (_, code) in enumerate(blocks):
        compile(code, f"docs/plugins.md example {i + 1}", "exec")


def example_plugin(tag: str = "example-plugin") -> str:
    """The guide's complete example of this tag: `example-plugin` (a courier) or `example-notifier`."""
    (code,) = [code for found, code in BLOCK.findall(guide()) if found.strip() == tag]
    return code


SECRET = "rahasia-ojek-kampung"
ORDER = """query($id: ID!) { order(id: $id) { status shipment { status courierReference events { status } } } }"""
CASH = """query($id: ID!, $shop: ID!, $from: Date!) {
  order(id: $id) { payment { status } }
  shopCashStatement(shopId: $shop, from: $from) { collectedByCourier remitted owedByCourier }
}"""
READY = "mutation($id: ID!) { markReadyForCourier(id: $id) { order { status } errors { code field message } } }"


async def test_the_complete_example_plugin_books_a_trip_and_follows_its_signed_webhooks(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ojek_kampung.py").write_text(example_plugin())
    monkeypatch.setenv("UMKM_OJEK_KAMPUNG_SECRET", SECRET)
    async with serve(dataclasses.replace(settings, plugins_dir=str(tmp_path))) as api:
        m = await market(api)
        variables = cart([(m.beras, 2)], [(m.shop, "ojek_kampung")], address=ADDRESS)
        order = (await api.ok(CHECKOUT, variables, m.buyer.token))["checkout"]["orders"][0]
        assert order["deliveryFee"] == 12_000 + 5 * 2_000  # another kecamatan; 10 kg is 5 kg over
        assert (await attempt(api, "acceptOrder", order, m.seller))["errors"] == []
        assert (await api.ok(READY, {"id": order["id"]}, m.seller.token))["order"]["status"] == "READY_FOR_PICKUP"
        trip = (await api.gql(ORDER, {"id": order["id"]}, m.buyer.token))["order"]["shipment"]["courierReference"]

        async def tell(status: str, secret: str = SECRET, **more: Any) -> int:
            raw = json.dumps({"trip": trip, "status": status, **more}).encode()
            signed = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            response = await api.client.post("/webhooks/delivery/ojek_kampung", content=raw,
                                             headers={"X-Ojek-Signature": signed})
            return response.status_code

        assert await tell("delivered", secret="bukan-rahasia") == 401
        assert await tell("picked") == 200
        assert await tell("delivered") == 200
        final = (await api.gql(ORDER, {"id": order["id"]}, m.buyer.token))["order"]
        assert final["status"] == "DELIVERED"
        assert [e["status"] for e in final["shipment"]["events"]] == ["PICKED", "DELIVERED"]
        # The driver collected the cash on delivery; the cooperative pays it on to the shop, and says so (twice).
        assert await tell("delivered", cash_paid=order["total"]) == 200
        assert await tell("delivered", cash_paid=order["total"]) == 200
        paid = (await api.gql(CASH, {"id": order["id"], "shop": m.shop["id"], "from": today()}, m.seller.token))
        assert paid["order"]["payment"]["status"] == "PAID"
        (day,) = paid["shopCashStatement"]
        assert (day["collectedByCourier"], day["remitted"], day["owedByCourier"]) == (order["total"], order["total"], 0)


async def test_the_guides_example_notifier_delivers_a_buyers_messages_on_its_channel(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiohttp import web

    from tests.helpers.api import Api, asgi_client, started_app
    from tests.helpers.checkout import check_out
    from tests.helpers.live import free_port
    from tests.helpers.mail import PREFERENCES, run_jobs

    received: list[dict[str, Any]] = []

    async def announce(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"ok": True})

    service = web.Application()
    service.add_routes([web.post("/umumkan", announce)])
    runner = web.AppRunner(service, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    (tmp_path / "kentongan.py").write_text(example_plugin("example-notifier"))
    monkeypatch.setenv("UMKM_KENTONGAN_URL", f"http://127.0.0.1:{port}/umumkan")
    configured = dataclasses.replace(settings, plugins_dir=str(tmp_path))
    try:
        async with started_app(configured) as app:
            client = asgi_client(app)
            api = Api(client)
            m = await market(api)
            on = {"channels": [{"channel": "kentongan", "enabled": True, "address": "081234567890"}]}
            await api.ok(PREFERENCES, {"input": on}, m.buyer.token)
            order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"][0]
            assert (await attempt(api, "acceptOrder", order, m.seller))["errors"] == []
            await run_jobs(app, configured)
            await client.aclose()
    finally:
        await runner.cleanup()
    (message,) = received
    assert message["to"] == "6281234567890"
    assert message["text"].startswith(f"Pesanan {order['reference']} diterima\n")

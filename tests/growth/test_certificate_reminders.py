"""Certificate expiry reminders (issue 17, section 4): the order jobs, run at a chosen moment, write one outbox message
to the seller UMKM_CERTIFICATE_REMINDER_DAYS before a verified certificate ends, once per certificate."""

from __future__ import annotations

import datetime as dt

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.certificates import RECORD_CERTIFICATE, days_from_today, pirt_input, verified_certificate
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph import jobs
from umkm_graph.notifications.kinds import Kind
from umkm_graph.notifications.models import OutboxMessage
from umkm_graph.notifications.texts import render
from umkm_graph.settings import Settings

DAY = dt.timedelta(days=1)


async def _reminders() -> list[tuple[int, str, str]]:
    rows = await OutboxMessage.filter(kind=Kind.CERTIFICATE_EXPIRING.value).order_by("id").values("user_id", "parameters")
    return [(row["user_id"], row["parameters"]["certificate"], row["parameters"]["valid_until"]) for row in rows]


def _written(days: int) -> str:
    return (dt.date.fromisoformat(days_from_today(days))).strftime("%d-%m-%Y")


async def test_the_seller_is_reminded_once_before_a_verified_certificate_expires(settings: Settings) -> None:
    async with started_app(settings) as app, asgi_client(app) as client:
        api = Api(client)
        officer, seller, other = await city_person(api), await sign_up(api, "SELLER"), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        other_shop = await verified_shop(api, other, officer, name="Toko Lain")
        await verified_certificate(api, seller, officer, shop["id"], **pirt_input(validUntil=days_from_today(10)))
        await verified_certificate(api, seller, officer, shop["id"], kind="BPOM", number="MD 224510001234",
                                   validUntil=days_from_today(40))
        await verified_certificate(api, seller, officer, shop["id"])  # halal, no end date: never reminded
        # Waiting for the city: no badge to lose yet, no reminder.
        await api.ok(RECORD_CERTIFICATE, {"shopId": other_shop["id"], "input": pirt_input(
            number="206357301012330", validUntil=days_from_today(5))}, other.token)
        # Another shop's certificate ending soon, whose renewal the seller has already recorded: not reminded.
        await verified_certificate(api, other, officer, other_shop["id"], kind="BPOM", number="MD 224510009999",
                                   validUntil=days_from_today(7))
        await api.ok(RECORD_CERTIFICATE, {"shopId": other_shop["id"], "input": {
            "kind": "BPOM", "number": "MD 224510008888", "issuedOn": days_from_today(-1),
            "validUntil": days_from_today(5 * 365)}}, other.token)

        now = dt.datetime.now(dt.UTC)
        state = app.state

        async def run(at: dt.datetime) -> int:
            return (await jobs.run_order_jobs(state.providers, state.events, settings, at)).certificates_reminded

        assert await run(now) == 1
        assert await _reminders() == [(int(seller.id), "PIRT", _written(10))]
        assert await run(now + DAY) == 0, "once per certificate"
        assert await run(now + 9 * DAY) == 0
        # 40 days out is past the 30 of the setting; ten days later it is within them.
        assert await run(now + 10 * DAY) == 1
        assert await _reminders() == [(int(seller.id), "PIRT", _written(10)), (int(seller.id), "BPOM", _written(40))]


def test_the_reminder_reads_in_indonesian_and_english() -> None:
    values = {"shop": "Toko Bu Endang", "certificate": "PIRT", "number": "206357301012329", "valid_until": "14-12-2026"}
    indonesian, english = render(Kind.CERTIFICATE_EXPIRING, values, "id"), render(Kind.CERTIFICATE_EXPIRING, values, "en")
    assert indonesian.subject == "Sertifikat PIRT Toko Bu Endang segera berakhir"
    assert english.subject == "The PIRT certificate of Toko Bu Endang expires soon"
    assert "valid until 14-12-2026" in english.body and "berlaku sampai 14-12-2026" in indonesian.body

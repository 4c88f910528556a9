"""The procurement audit trail is one hash chain: `umkm-graph procurement verify-audit` finds it intact after every
step, and names the entry that was edited, the gap an entry removed leaves, and a step whose entry was cut off the end."""

from __future__ import annotations

import datetime as dt

from tortoise import connections

from tests.helpers.api import Api
from tests.helpers.procurement import bought, handed_over, office
from umkm_graph.cli import build_parser
from umkm_graph.procurement.models import AuditEntry
from umkm_graph.procurement_command import audit_report


async def trail(api: Api) -> list[AuditEntry]:
    o = await office(api)
    await handed_over(api, o, await bought(api, o))
    await bought(api, o, outcome="PLACED")
    return await AuditEntry.all().order_by("id")


def test_the_command_is_umkm_graph_procurement_verify_audit() -> None:
    args = build_parser().parse_args(["procurement", "verify-audit"])
    assert args.run.__name__ == "_verify_audit"


async def test_an_untouched_trail_is_intact(api: Api) -> None:
    entries = await trail(api)
    assert [e.action for e in entries] == ["PURCHASE_ORDER_ISSUED", "BAST_SIGNED_BY_SELLER", "BAST_SIGNED_BY_RECEIVER",
                                           "PURCHASE_ORDER_ISSUED"]
    assert entries[0].previous_hash == "0" * 64
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    assert await audit_report() == (0, "procurement audit trail intact: 4 entries\n")


async def test_an_edited_entry_is_named(api: Api) -> None:
    entries = await trail(api)
    # Edited behind the API's back, in SQL: the purpose of the first purchase, then the time of a signature.
    await connections.get("default").execute_query(
        "UPDATE procurement_audit SET detail = REPLACE(detail, 'Konsumsi', 'Perjalanan') WHERE id = "
        f"{entries[0].id}")
    await AuditEntry.filter(id=entries[2].id).update(at=entries[2].at + dt.timedelta(days=1))
    code, text = await audit_report()
    assert code == 1
    assert text.splitlines() == [
        "procurement audit trail BROKEN: 2 problems in 4 entries",
        f"entry {entries[0].id}: its contents do not match its hash (it was edited)",
        f"entry {entries[2].id}: its contents do not match its hash (it was edited)",
    ]


async def test_an_entry_removed_from_the_middle_breaks_the_chain(api: Api) -> None:
    entries = await trail(api)
    await AuditEntry.filter(id=entries[1].id).delete()
    code, text = await audit_report()
    assert code == 1
    assert f"entry {entries[2].id}: does not follow the entry before it (an entry was removed, inserted or moved)" in text
    assert "BAST_SIGNED_BY_SELLER has no entry in the trail" in text


async def test_an_entry_cut_off_the_end_is_missed_by_its_procurement(api: Api) -> None:
    entries = await trail(api)
    await AuditEntry.filter(id=entries[-1].id).delete()
    code, text = await audit_report()
    assert code == 1 and text.splitlines()[1].endswith("PURCHASE_ORDER_ISSUED has no entry in the trail")


async def test_an_entry_with_a_rewritten_hash_still_breaks_the_next_link(api: Api) -> None:
    entries = await trail(api)
    await AuditEntry.filter(id=entries[0].id).update(actor_name="Orang Lain", hash="f" * 64)
    code, text = await audit_report()
    assert code == 1
    assert f"entry {entries[0].id}: its contents do not match its hash (it was edited)" in text
    assert f"entry {entries[1].id}: does not follow the entry before it" in text

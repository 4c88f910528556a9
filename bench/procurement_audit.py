"""How long the procurement audit trail takes to append to and to check end to end, and a paper's PDF to draw.

    python bench/procurement_audit.py --entries 10000
    python bench/procurement_audit.py --database-url postgres://postgres@127.0.0.1:5432/bench --entries 10000

Appends go through audit.append one at a time, each in its own transaction (as every step writes its entry); the
check is `umkm-graph procurement verify-audit`'s (audit.check_chain); the PDF is a BAST of four lines. Prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time

from tortoise.transactions import in_transaction

from umkm_graph.db import close_database, open_database
from umkm_graph.orders.receipts import ReceiptLine
from umkm_graph.people.models import User
from umkm_graph.procurement import audit
from umkm_graph.procurement.models import AuditEntry
from umkm_graph.procurement.papers import Paper, ProcurementPaper, Signature
from umkm_graph.procurement.papers_pdf import render_paper


def _paper() -> ProcurementPaper:
    now = dt.datetime.now(dt.UTC)
    lines = tuple(ReceiptLine(f"Barang {i}", 2, 67_500, 135_000) for i in range(4))
    return ProcurementPaper(
        paper=Paper.BAST, number="PBJ-UMKM-BENCH", order_reference="UMKM-BENCH", opd_name="Dinas Komunikasi dan "
        "Informatika", opd_address="Jl. Mayjen Sungkono", officer_name="Bu Ratna", officer_nip="198703152012032001",
        shop_name="Toko Sembako Bu Sri", shop_address="Jl. Kauman 3, Klojen, Kota Malang", nib="1234567890123",
        budget_account="5.1.02.01.01.0024", purpose="Konsumsi rapat", lines=lines, subtotal=540_000, delivery_fee=0,
        total=540_000, ordered_at=now, seller=Signature("Bu Sri", None, now),
        receiver=Signature("Pak Joko", "198703152012032002", now), kuitansi_at=None, token="p1.B.PBJ-UMKM-BENCH.1." + "A" * 43)


async def main(database_url: str, entries: int) -> None:
    await open_database(database_url)
    try:
        await AuditEntry.all().delete()
        actor = await User.create(email=f"bench{time.time_ns()}@example.id", password_hash="-", name="Bench")
        now = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        for i in range(entries):
            async with in_transaction():
                await audit.append(i // 4 + 1, actor, audit.Action.PURCHASE_ORDER_ISSUED, {"n": i}, now)
        appended = time.perf_counter() - started
        started = time.perf_counter()
        found = await audit.check_chain()
        checked = time.perf_counter() - started
        assert found.entries == entries and found.intact, found.problems[:3]
        draws = []
        for _ in range(5):
            started = time.perf_counter()
            render_paper(_paper(), "https://umkm.malangkota.go.id")
            draws.append(time.perf_counter() - started)
        print(f"database: {database_url.split('://')[0]}")
        print(f"append: {entries} entries in {appended:.2f} s ({appended / entries * 1000:.2f} ms each)")
        print(f"verify-audit: {entries} entries in {checked:.2f} s ({entries / checked:,.0f} entries/s)")
        print(f"BAST PDF: median {statistics.median(draws) * 1000:.0f} ms")
        await AuditEntry.all().delete()
        await actor.delete()
    finally:
        await close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite://:memory:")
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.entries))

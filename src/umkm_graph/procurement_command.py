"""`umkm-graph procurement verify-audit`: walk the office procurement audit trail and check its hash chain end to end
(and every procurement's steps against it); exit 1, naming each broken entry, when it is not intact."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from umkm_graph.settings import Settings


def add_procurement_command(commands: Any) -> None:
    procurement = commands.add_parser("procurement", help="office procurement (belanja OPD)")
    actions = procurement.add_subparsers(dest="action", required=True)
    check = actions.add_parser("verify-audit", help="check the audit trail's hash chain; exit 1 when it is broken")
    check.set_defaults(run=_verify_audit)


async def audit_report() -> tuple[int, str]:
    """The exit code and what to print, against the open database."""
    from umkm_graph.procurement.audit import check_chain

    found = await check_chain()
    if found.intact:
        return 0, f"procurement audit trail intact: {found.entries} entries\n"
    lines = [f"procurement audit trail BROKEN: {len(found.problems)} problems in {found.entries} entries",
             *found.problems]
    return 1, "\n".join(lines) + "\n"


def _verify_audit(_: argparse.Namespace) -> int:
    import asyncio

    from umkm_graph.db import close_database, open_database

    async def run() -> tuple[int, str]:
        await open_database(Settings.from_env().database_url, migrate=False)
        try:
            return await audit_report()
        finally:
            await close_database()

    code, text = asyncio.run(run())
    (sys.stdout if code == 0 else sys.stderr).write(text)
    return code

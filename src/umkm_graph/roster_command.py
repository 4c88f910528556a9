"""`umkm-graph roster import FILE`: the BKPSDM roster imported from a file by an operator, in the name of a city
officer, through the same service (and rules) as the importRoster mutation, in parts that show progress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from umkm_graph.settings import Settings

ROWS_PER_PART = 2_000


def add_roster_command(commands: Any) -> None:
    roster = commands.add_parser("roster", help="the BKPSDM roster of ASN")
    actions = roster.add_subparsers(dest="action", required=True)
    imports = actions.add_parser("import", help="import a roster CSV (nip,name,opd_code,grade) for a month")
    imports.add_argument("file", help="the CSV file; its first line names the columns")
    imports.add_argument("--officer", required=True, help="the email of the CITY_OFFICER the import is made by")
    imports.add_argument("--month", help="YYYY-MM the roster stands for (default: this month, WIB)")
    imports.set_defaults(run=_import)


def parts_of(text: str, rows_per_part: int = ROWS_PER_PART) -> list[str]:
    """The file cut into parts of rows_per_part rows, each starting with the header line."""
    header, _, body = text.lstrip("\ufeff").partition("\n")
    rows = body.splitlines()
    return [header + "\n" + "\n".join(rows[i:i + rows_per_part]) + "\n"
            for i in range(0, max(len(rows), 1), rows_per_part)]


def _import(args: argparse.Namespace) -> int:
    import asyncio

    from umkm_graph.core.errors import DomainError, ErrorCode
    from umkm_graph.db import close_database, open_database
    from umkm_graph.people import roster
    from umkm_graph.people.models import User
    from umkm_graph.people.service import normalise_email

    settings = Settings.from_env()

    async def run() -> str:
        await open_database(settings.database_url)
        try:
            officer = await User.get_or_none(email=normalise_email(args.officer))
            if officer is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No account has this email", "officer")
            parts = parts_of(Path(args.file).read_text(encoding="utf-8-sig"))
            found = None
            for index, part in enumerate(parts):
                found = await roster.import_roster(officer, part, month=args.month if found is None else None,
                                                   import_id=found.id if found else None,
                                                   finish=index == len(parts) - 1)
                print(f"umkm-graph roster import: {found.processed_rows} rows read", file=sys.stderr)
            assert found is not None
            lines = [f"roster import {found.id} for {found.month:%Y-%m}: {found.status.value}, "
                     f"{found.accepted_rows} rows taken, {found.rejected_rows} rejected, "
                     f"{found.matched_accounts} registered ASN verified, {found.moved_accounts} moved to another OPD"]
            lines += [f"row {r.row}, {r.field}: {r.reason}" for r in await roster.rejections_of(found)]
            return "\n".join(lines) + "\n"
        finally:
            await close_database()

    try:
        sys.stdout.write(asyncio.run(run()))
    except OSError as error:
        print(f"umkm-graph roster import: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except DomainError as error:
        field = ".".join(error.field)
        print(f"umkm-graph roster import: {field + ': ' if field else ''}{error.message}", file=sys.stderr)
        return 2
    return 0

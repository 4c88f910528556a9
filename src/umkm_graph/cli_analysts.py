"""The analysts' commands: `umkm-graph report` (the city's monthly report) and `umkm-graph query` (a GraphQL document
against a running API, as a flat table)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from umkm_graph.settings import Settings


def write(text: str | bytes, output: str | None) -> int:
    """A command's answer to a file or stdout; bytes (a PDF) as they are."""
    if isinstance(text, bytes):
        if output:
            Path(output).write_bytes(text)
        else:
            sys.stdout.buffer.write(text)
    elif output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def report(args: argparse.Namespace) -> int:
    """The city's monthly report (city/report.py), to stdout or a file."""
    from umkm_graph.city.report import render
    from umkm_graph.core.errors import DomainError
    from umkm_graph.db import close_database, open_database

    settings = Settings.from_env()

    async def run() -> str | bytes:
        # The report only reads: with an analytics replica it reads nothing but the replica, which nobody migrates.
        replica = settings.analytics_database_url
        await open_database(replica or settings.database_url, migrate=not replica,
                            variable="UMKM_ANALYTICS_DATABASE_URL" if replica else "UMKM_DATABASE_URL")
        try:
            return await render(args.month, args.format, settings.min_group_size, settings.analytics_settle_days)
        finally:
            await close_database()

    try:
        text = asyncio.run(run())
    except DomainError as error:
        print(f"umkm-graph report: {error.message}", file=sys.stderr)
        return 2
    return write(text, args.output)


def query(args: argparse.Namespace) -> int:
    """A GraphQL document run against a running API with a token (UMKM_TOKEN or --token), written as a flat table."""
    from umkm_graph import query_table

    try:
        document = Path(args.file).read_text(encoding="utf-8")
        data = asyncio.run(query_table.run_query(args.url, document, query_table.parse_variables(args.var),
                                                 args.token or os.environ.get("UMKM_TOKEN") or None))
        text = query_table.render(query_table.table_of(data, args.path), args.format)
    except OSError as error:
        print(f"umkm-graph query: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except query_table.QueryFailed as error:
        print(f"umkm-graph query: {error}", file=sys.stderr)
        return 1
    return write(text, args.output)

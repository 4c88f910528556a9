"""The umkm-graph command: serve, migrate, check-numbers, seed, export-schema, plugins, jobs, report, query, users,
roster, procurement."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from umkm_graph import cli_analysts
from umkm_graph.procurement_command import add_procurement_command
from umkm_graph.roster_command import add_roster_command
from umkm_graph.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    """Each start that cannot work stops here with one line and a non-zero exit, before the banner: unsafe settings,
    a worker count that would lose events, a port in use, a database that cannot serve."""
    import asyncio

    import uvicorn

    from umkm_graph import db, serving
    from umkm_graph.observability import configure_logging

    settings = Settings.from_env()
    if problems := settings.problems():  # create_app would refuse too; say why without a traceback
        said = problems[0] if len(problems) == 1 else "\n- " + "\n- ".join(problems)
        print(f"umkm-graph serve refuses to start:{' ' if len(problems) == 1 else ''}{said}", file=sys.stderr)
        return 1
    if refusal := _workers_refusal(args.workers, settings):
        print(f"umkm-graph serve: {refusal}", file=sys.stderr)
        return 2
    try:
        sock = serving.listening_socket(args.host, args.port)
    except serving.PortUnavailable as error:
        print(f"umkm-graph serve: {error}", file=sys.stderr)
        return 1
    with sock:
        where = _database_banner(settings.database_url, args.demo)  # before the start creates the file
        asyncio.run(db.check_database(settings.database_url))  # a DatabaseNotReady is said in one line by main()
        if args.demo:
            from umkm_graph.demo.seed import SeedError, seed_demo_if_empty

            try:
                summary = asyncio.run(seed_demo_if_empty(settings.database_url))
            except SeedError as error:
                print(f"umkm-graph serve --demo: {error}", file=sys.stderr)
                return 1
            if summary is None:
                print("umkm-graph: the database already has shops; not seeding demo data")
            else:
                print("\n".join(summary.lines()))
        configure_logging(settings.log_format)
        banner = (f"umkm-graph: GraphiQL at http://{args.host}:{args.port}/graphql, the city dashboard at "
                  f"http://{args.host}:{args.port}/dashboard  (database {where})")
        from umkm_graph.app import create_app  # the whole schema: imported once nothing can refuse the start any more

        # Several workers each build their own app from the environment; uvicorn needs an import string for that.
        app = "umkm_graph.app:create_app" if args.workers > 1 else create_app(settings)
        config = uvicorn.Config(app, host=args.host, port=args.port, factory=args.workers > 1, workers=args.workers,
                                log_config=None, access_log=settings.access_log, timeout_graceful_shutdown=30,
                                ws_max_size=settings.max_body_bytes)  # a larger message is refused before it is read
        return 0 if serving.run(config, sock, banner) else 3  # 3: uvicorn's code for a start that failed


def _database_banner(database_url: str, demo: bool) -> str:
    """Where the data is: a SQLite file by its absolute path, saying when the default (relative to the folder serve
    runs in) made a new, empty one, so serving an empty database elsewhere is never silent."""
    import os

    from umkm_graph import db

    file = db.sqlite_file(database_url)
    if file is None:
        return db.redacted(database_url)
    said = f"SQLite file {file}"
    if "UMKM_DATABASE_URL" not in os.environ:
        said += ", the default, in the current folder; set UMKM_DATABASE_URL to choose"
    if not file.exists() and not demo:
        said += "; it is new and empty (add --demo for demo data)"
    return said


def _workers_refusal(workers: int, settings: Settings) -> str | None:
    if workers < 1:
        return "--workers must be at least 1"
    if workers > 1 and settings.database_url.startswith("sqlite"):
        return "several workers need PostgreSQL (set UMKM_DATABASE_URL); SQLite allows one writer"
    if workers > 1 and not settings.redis_url:
        return (f"--workers {workers} needs UMKM_REDIS_URL: without Redis each worker hears only its own order and "
                "payment events (a subscriber misses those handled by the others) and counts rate limits alone")
    return None


def _seed(args: argparse.Namespace) -> int:
    import asyncio

    from umkm_graph.demo.seed import SeedError, seed_database

    settings = Settings.from_env()
    try:
        summary = asyncio.run(seed_database(settings.database_url, seed=args.seed, scale=args.scale))
    except SeedError as error:
        print(f"umkm-graph seed: {error}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """Bring the database's schema up to date (a deploy step on PostgreSQL), or with --check only say whether it is."""
    import asyncio

    from umkm_graph import db
    from umkm_graph.catalog.service import ensure_categories
    from umkm_graph.people.opds import ensure_opds

    settings = Settings.from_env()

    async def check() -> int:
        await db.refuse_unmigrated_tables()  # else it would call the old tables' database merely behind
        pending, unwritten = await db.pending_migrations(), await db.unmigrated_model_changes()
        for name in pending:
            print(f"pending migration: {name}")
        for change in unwritten:
            print(f"model change without a migration: {change}  (write one: tortoise makemigrations)")
        if not pending and not unwritten:
            print("umkm-graph migrate: the database and the migrations are up to date")
        return 1 if pending or unwritten else 0

    async def run() -> int:
        await db.open_database(settings.database_url, migrate=False)
        try:
            if args.check:
                return await check()
            applied = await db.apply_migrations()
            await ensure_categories()
            await ensure_opds()
        finally:
            await db.close_database()
        print(f"umkm-graph migrate: applied {', '.join(applied)}" if applied else
              "umkm-graph migrate: nothing to apply; the database is up to date")
        return 0

    try:
        return asyncio.run(run())
    except db.DatabaseNotReady as error:
        print(f"umkm-graph migrate: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a failed statement or an unreachable database: say which, without a traceback
        print(f"umkm-graph migrate: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _check_numbers(args: argparse.Namespace) -> int:
    """Report (and with --fix rewrite) stored NIPs and phones not in ASCII digits; exit 1 while anything is left."""
    import asyncio

    from umkm_graph import db
    from umkm_graph.people.stored_numbers import check_stored_numbers

    async def run() -> bool:
        await db.open_database(Settings.from_env().database_url, migrate=False)
        try:
            report = await check_stored_numbers(fix=args.fix)
        finally:
            await db.close_database()
        print("\n".join(report.lines()))
        return report.clean

    try:
        return 0 if asyncio.run(run()) else 1
    except Exception as error:  # an unreachable or unmigrated database: say which, without a traceback
        print(f"umkm-graph check-numbers: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _export_schema(_: argparse.Namespace) -> int:
    from umkm_graph.graphql_schema import print_sdl

    sys.stdout.write(print_sdl())
    return 0


def _plugins(args: argparse.Namespace) -> int:
    """What is loaded, and what each plugin offers; a plugin that cannot load fails here as it would at start-up."""
    import asyncio
    import json

    from umkm_graph.plugin_host import PluginError, collect_providers, describe_plugins, load_plugins, plugin_needs

    settings = Settings.from_env()
    try:
        pm = load_plugins(settings)
        infos = describe_plugins(pm, asyncio.run(collect_providers(pm, settings)))
        needs = plugin_needs(pm, settings)
    except Exception as error:  # a broken plugin: say which, as the server would refuse to start
        kind = "" if isinstance(error, PluginError) else f"{type(error).__name__}: "
        print(f"umkm-graph plugins: {kind}{error}", file=sys.stderr)
        return 1
    rows = [{
        "name": info.name, "version": info.version, "source": info.source, "hooks": list(info.hooks),
        "payment_methods": [method.code for provider in info.payment for method in provider.methods],
        "delivery_providers": [provider.code for provider in info.delivery],
        "notification_channels": [notifier.channel for notifier in info.notifiers],
        "disbursement_providers": [provider.code for provider in info.disbursement],
        "needs": list(needs.get(info.name, ())),
    } for info in infos]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['name']} {row['version'] or '(no version)'}  [{row['source']}]")
        print(f"  hooks: {', '.join(row['hooks']) or '-'}")
        print(f"  payment methods: {', '.join(row['payment_methods']) or '-'}")
        print(f"  delivery providers: {', '.join(row['delivery_providers']) or '-'}")
        if row["notification_channels"]:
            print(f"  notification channels: {', '.join(row['notification_channels'])}")
        if row["disbursement_providers"]:
            print(f"  disbursement providers: {', '.join(row['disbursement_providers'])}")
        if not (row["payment_methods"] or row["delivery_providers"] or row["notification_channels"]
                or row["disbursement_providers"]):  # say why
            print("  not configured" + "".join(f"\n    - {line}" for line in row["needs"]))
    return 0


def _instant(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give the time zone, e.g. {text}+07:00")
    return moment


def _jobs(args: argparse.Namespace) -> int:
    """Reconcile and expire cashless payments, send the notification outbox, then run the order deadlines, once, as the
    server's periodic task does; for cron or by hand."""
    import asyncio

    from umkm_graph import jobs
    from umkm_graph.balances import ledger
    from umkm_graph.db import close_database, open_database
    from umkm_graph.events_redis import create_event_bus
    from umkm_graph.plugin_host import collect_providers, load_plugins

    settings = Settings.from_env()
    ledger.use_platform_fee(settings.platform_fee_basis_points)  # the jobs settle payments, and a sale pays it

    async def run() -> str:
        providers = await collect_providers(load_plugins(settings), settings)
        events = create_event_bus(settings)  # through Redis, when set, so servers' subscribers hear of the changes
        await open_database(settings.database_url)
        await events.start()
        # A claim lasts one interval, as in the servers: cron every interval on several machines asks once between them.
        interval = settings.payment_jobs_interval_seconds
        lease = jobs.dt.timedelta(seconds=interval) if interval > 0 else jobs.LEASE
        now = args.now
        try:
            if args.only == "reconcile":
                checked, settled = await jobs.reconcile(providers, events, now=now, lease=lease)
                return f"reconciled {checked} pending payment(s), {settled} settled"
            if args.only == "expire":
                return f"expired {await jobs.expire(providers, events, now, lease=lease)}"
            outbox = jobs.OutboxPolicy.from_settings(settings)
            if args.only == "notify":
                sent = await jobs.deliver_due(providers, outbox, now, lease=lease)
                return f"sent {sent.sent} message(s), {sent.retrying} to retry, {sent.failed} given up"
            if args.only == "deadlines":
                return (await jobs.run_order_jobs(providers, events, settings, now, lease=lease)).line()
            payments = (await jobs.run_once(providers, events, now, lease=lease, outbox=outbox)).line()
            return f"{payments}; {(await jobs.run_order_jobs(providers, events, settings, now, lease=lease)).line()}"
        finally:
            await events.close()
            await close_database()

    print(f"umkm-graph jobs: {asyncio.run(run())}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="umkm-graph", description="GraphQL API for Kota Malang's UMKM marketplace.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API with uvicorn")
    serve.add_argument("--demo", action="store_true", help="seed demo data first if the database is empty")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only; use UMKM_REDIS_URL for events)")
    serve.set_defaults(run=_serve)
    seed = commands.add_parser("seed", help="fill the database with deterministic Kota Malang demo data")
    seed.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
    seed.add_argument("--scale", type=int, default=1, help="multiply the amount of data (1 to 50); above 1 shows progress")
    seed.set_defaults(run=_seed)
    migrate = commands.add_parser("migrate", help="apply the pending schema migrations to UMKM_DATABASE_URL")
    migrate.add_argument("--check", action="store_true",
                         help="apply nothing; exit 1 if migrations are pending or a model change has no migration")
    migrate.set_defaults(run=_migrate)
    numbers = commands.add_parser("check-numbers", help="find stored NIPs and phones not in ASCII digits (from before "
                                  "they were normalised) and NIPs that collide once normalised")
    numbers.add_argument("--fix", action="store_true", help="rewrite what can be; collisions are only reported")
    numbers.set_defaults(run=_check_numbers)
    export = commands.add_parser("export-schema", help="print the federation SDL (what schema.graphql holds)")
    export.set_defaults(run=_export_schema)
    plugins = commands.add_parser("plugins", help="list the loaded plugins, their hooks and what they offer")
    plugins.add_argument("--json", action="store_true", help="print JSON instead of text")
    plugins.set_defaults(run=_plugins)
    jobs = commands.add_parser("jobs", help="reconcile pending cashless payments with their gateways, expire unpaid ones, "
                               "send the notification outbox, and run the order deadlines")
    jobs.add_argument("--only", choices=("reconcile", "expire", "notify", "deadlines"),
                      help="run one of them (default: reconcile, expire, notify, then the order deadlines and key sweep)")
    jobs.add_argument("--now", type=_instant, default=None,
                      help="the clock the jobs read, as an ISO time with its zone (default: now); to replay a moment")
    jobs.set_defaults(run=_jobs)
    report = commands.add_parser("report", help="the city's monthly report: ASN participation, top UMKM, sembako prices")
    report.add_argument("--month", required=True, help="the month, YYYY-MM (WIB)")
    report.add_argument("--format", choices=("csv", "json", "pdf"), default="csv",
                        help="pdf: the figures with the dashboard's charts, in Bahasa Indonesia")
    report.add_argument("--output", help="write to this file instead of stdout")
    report.set_defaults(run=cli_analysts.report)
    query = commands.add_parser("query", help="run a GraphQL file against a running API; write the answer as a table")
    query.add_argument("file", help="a .graphql document, e.g. examples/analytics/top_umkm_by_gmv.graphql")
    query.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                       help="a variable (repeatable); VALUE is read as JSON when it is JSON, else as text")
    query.add_argument("--format", choices=("csv", "json"), default="csv")
    query.add_argument("--url", default="http://127.0.0.1:8000/graphql", help="the API's /graphql")
    query.add_argument("--token", help="a bearer token (default: UMKM_TOKEN); from the login mutation")
    query.add_argument("--path", help="the list to tabulate, dotted (default: the answer's first list)")
    query.add_argument("--output", help="write to this file instead of stdout")
    query.set_defaults(run=cli_analysts.query)
    from umkm_graph import cli_users

    cli_users.add_parser(commands)
    add_roster_command(commands)
    add_procurement_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from umkm_graph.db import DatabaseNotReady

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except DatabaseNotReady as error:  # said the same way by every command that opens the database
        print(f"umkm-graph {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

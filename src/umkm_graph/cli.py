"""The umkm-graph command: serve, seed, export-schema."""

from __future__ import annotations

import argparse
import sys

from umkm_graph.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from umkm_graph.app import create_app

    settings = Settings.from_env()
    if args.demo:
        import asyncio

        from umkm_graph.seed import SeedError, seed_demo_if_empty

        try:
            summary = asyncio.run(seed_demo_if_empty(settings.database_url))
        except SeedError as error:
            print(f"umkm-graph serve --demo: {error}", file=sys.stderr)
            return 1
        if summary is None:
            print("umkm-graph: the database already has shops; not seeding demo data")
        else:
            print("\n".join(summary.lines()))
    print(f"umkm-graph: GraphiQL at http://{args.host}:{args.port}/graphql  (database {settings.database_url})")
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def _seed(args: argparse.Namespace) -> int:
    import asyncio

    from umkm_graph.seed import SeedError, seed_database

    settings = Settings.from_env()
    try:
        summary = asyncio.run(seed_database(settings.database_url, seed=args.seed, scale=args.scale))
    except SeedError as error:
        print(f"umkm-graph seed: {error}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


def _export_schema(_: argparse.Namespace) -> int:
    from umkm_graph.api.schema import print_sdl

    sys.stdout.write(print_sdl())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="umkm-graph", description="GraphQL API for Kota Malang's UMKM marketplace.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API with uvicorn")
    serve.add_argument("--demo", action="store_true", help="seed demo data first if the database is empty")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)
    seed = commands.add_parser("seed", help="fill the database with deterministic Kota Malang demo data")
    seed.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
    seed.add_argument("--scale", type=int, default=1, help="multiply the amount of data (1 to 50); above 1 shows progress")
    seed.set_defaults(run=_seed)
    export = commands.add_parser("export-schema", help="print the federation SDL (what schema.graphql holds)")
    export.set_defaults(run=_export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())

"""A start that cannot work says why in one line and exits non-zero, without a traceback and without hanging (issue 12,
reliability): a database from before migrations, a bad or unreachable database, a port in use, several workers without
Redis. Each runs the real command in its own process, with a timeout, so a hang fails the test instead of blocking it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from tests.helpers.api import started_app
from tests.helpers.database import TEST_DATABASE_URL, empty_postgres
from tests.helpers.live import free_port, server_process
from umkm_graph.db import DatabaseUnreachable, tortoise_config
from umkm_graph.settings import Settings

UNREACHABLE_POSTGRES = "postgres://umkm:hunter2@127.0.0.1:1/umkm"  # nothing listens on port 1
TIMEOUT = 60  # seconds: far longer than any of these takes to fail, far shorter than a hang


def umkm_graph(*args: str, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run the command; its exit code and every non-blank line it printed (stdout and stderr)."""
    run = subprocess.run([sys.executable, "-m", "umkm_graph.cli", *args], capture_output=True, text=True,
                         env={**os.environ, "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0", **env}, timeout=TIMEOUT)
    return run.returncode, [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]


def database_before_migrations(tmp_path: Path) -> str:
    """A database whose tables an older version's start-up made, with no record of migrations."""
    url = TEST_DATABASE_URL or f"sqlite://{tmp_path / 'old.db'}"

    async def build() -> None:
        if url.startswith("postgres"):
            await empty_postgres(url)
        async with TortoiseContext() as context:
            await context.init(config=tortoise_config(url))
            await Tortoise.generate_schemas()

    asyncio.run(build())
    return url


@pytest.mark.parametrize("command", [["serve", "--demo"], ["serve"], ["report", "--month", "2026-09"],
                                     ["migrate", "--check"], ["migrate"], ["seed"], ["jobs"]])
def test_every_command_refuses_a_database_from_before_migrations_in_one_line(tmp_path: Path, command: list[str]) -> None:
    url = database_before_migrations(tmp_path)
    port = ["--port", str(free_port())] if command[0] == "serve" else []
    code, lines = umkm_graph(*command, *port, env={"UMKM_DATABASE_URL": url})
    assert code != 0 and len(lines) == 1, lines
    assert lines[0].startswith(f"umkm-graph {command[0]}") and "tables that no migration made" in lines[0], lines


@pytest.mark.parametrize("url", ["garbage", "mysql2://user:hunter2@db/x", "sqlite:///no/such/folder/umkm.db",
                                 UNREACHABLE_POSTGRES])
def test_serve_refuses_a_bad_or_unreachable_database_in_one_line(url: str) -> None:
    code, lines = umkm_graph("serve", "--port", str(free_port()), env={"UMKM_DATABASE_URL": url})
    assert code != 0 and len(lines) == 1, lines
    assert "UMKM_DATABASE_URL" in lines[0] and "hunter2" not in lines[0], lines


@pytest.mark.parametrize("command", [["migrate"], ["migrate", "--check"], ["report", "--month", "2026-09"], ["seed"]])
def test_the_other_commands_refuse_an_unreachable_database_in_one_line(command: list[str]) -> None:
    code, lines = umkm_graph(*command, env={"UMKM_DATABASE_URL": UNREACHABLE_POSTGRES})
    assert code != 0 and len(lines) == 1, lines
    assert "cannot reach the database" in lines[0] and "hunter2" not in lines[0], lines


async def test_an_app_on_an_unreachable_database_fails_its_start_instead_of_answering_internal(settings: Settings) -> None:
    with pytest.raises(DatabaseUnreachable, match="cannot reach the database"):
        async with started_app(Settings(database_url=UNREACHABLE_POSTGRES, secret_key=settings.secret_key)):
            pass


def test_serve_refuses_a_port_in_use_before_it_says_it_started(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, lines = umkm_graph("serve", "--port", str(port), env={"UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'p.db'}"})
    assert code != 0 and len(lines) == 1, lines
    assert lines[0].startswith(f"umkm-graph serve: cannot listen on 127.0.0.1:{port}"), lines


def test_several_workers_without_redis_are_refused_rather_than_losing_events() -> None:
    code, lines = umkm_graph("serve", "--workers", "2", "--port", str(free_port()),
                             env={"UMKM_DATABASE_URL": UNREACHABLE_POSTGRES, "UMKM_REDIS_URL": ""})
    assert code != 0 and len(lines) == 1, lines
    assert "--workers 2 needs UMKM_REDIS_URL" in lines[0], lines


def test_the_app_under_plain_uvicorn_says_an_unreachable_database_in_one_line_too() -> None:
    """Started without `umkm-graph serve` (uvicorn --factory, as some deployments do), the lifespan is what checks."""
    run = subprocess.run([sys.executable, "-m", "uvicorn", "umkm_graph.app:create_app", "--factory",
                          "--port", str(free_port())], capture_output=True, text=True, timeout=TIMEOUT,
                         env={**os.environ, "UMKM_DATABASE_URL": UNREACHABLE_POSTGRES})
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line]
    assert run.returncode != 0 and "Traceback" not in run.stderr and "startup complete" not in run.stderr, run.stderr
    assert len(errors) == 2 and "cannot reach the database UMKM_DATABASE_URL names" in errors[0], errors


def test_serve_says_where_graphiql_is_only_once_it_has_started(tmp_path: Path) -> None:
    port, output = free_port(), tmp_path / "serve.log"
    with server_process({"UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'ok.db'}"}, port, output):
        pass
    said = output.read_text()
    banner = said.index(f"umkm-graph: GraphiQL at http://127.0.0.1:{port}/graphql")
    assert said.index("Application startup complete") < banner, said


def test_serve_names_the_default_sqlite_file_by_its_full_path_and_says_it_is_new(tmp_path: Path) -> None:
    port, output = free_port(), tmp_path / "serve.log"
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    with server_process({}, port, output, cwd=folder, unset=("UMKM_DATABASE_URL",)):
        pass
    said = output.read_text()
    banner = next(line for line in said.splitlines() if line.startswith("umkm-graph: GraphiQL at"))
    assert f"SQLite file {folder / 'umkm_graph.db'}, the default, in the current folder" in banner, banner
    assert "it is new and empty (add --demo for demo data)" in banner
    assert f"http://127.0.0.1:{port}/dashboard" in banner


def test_serve_logs_no_orm_internals_and_each_step_once(tmp_path: Path) -> None:
    port, output = free_port(), tmp_path / "serve.log"
    with server_process({"UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'ok.db'}"}, port, output):
        pass
    said = output.read_text()
    assert "object at 0x" not in said and "Tortoise-ORM" not in said, said
    assert said.count("Application startup complete") == 1 and said.count("shutdown complete") == 1, said
    banner = next(line for line in said.splitlines() if line.startswith("umkm-graph: GraphiQL at"))
    assert "the default" not in banner and "new and empty" in banner

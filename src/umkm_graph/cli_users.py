"""`umkm-graph users create`: an operator makes an account of any role (CITY_OFFICER and ANALYST accounts cannot
register themselves). The password is read from stdin when it is not a terminal (`... < file`, a pipe), else asked
twice at a prompt that does not echo: never from the command line, where `ps` and the shell history would keep it."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any, TextIO

from umkm_graph.core.errors import DomainError, DomainErrors
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings


def add_parser(commands: Any) -> None:
    users = commands.add_parser("users", help="manage accounts as an operator")
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create an account with a role; the password comes from stdin or a "
                                "prompt, never from the command line")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="the person's name, as shown to others")
    create.add_argument("--phone", help="optional: 8 to 15 digits, optionally starting with +")
    create.set_defaults(run=create_user)


def read_password(stdin: TextIO) -> str | None:
    """The password from a pipe or file (its first line), or typed twice at a prompt; None when the two differ."""
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    return first if getpass.getpass("Password again: ") == first else None


def create_user(args: argparse.Namespace) -> int:
    from umkm_graph import db
    from umkm_graph.people.service import create_user as create

    password = read_password(sys.stdin)
    if password is None:
        print("umkm-graph users create: the passwords differ; nothing was created", file=sys.stderr)
        return 1
    settings = Settings.from_env()

    async def run() -> str:
        await db.open_database(settings.database_url, migrate=False)
        try:
            user = await create(email=args.email, password=password, name=args.name, role=Role(args.role),
                                phone=args.phone, min_password_length=settings.password_min_length)
        finally:
            await db.close_database()
        return f"created {user.role.value} account {user.id} for {user.email}"

    try:
        print(f"umkm-graph users create: {asyncio.run(run())}")
    except DomainError as error:  # the input is wrong: name each field, as the API would
        for problem in error.errors if isinstance(error, DomainErrors) else [error]:
            field = ".".join(problem.field) or "input"
            print(f"umkm-graph users create: {field}: {problem.message}", file=sys.stderr)
        return 1
    except db.DatabaseNotReady:
        raise  # said by main(), as for every command
    except Exception as error:  # an unreachable or unmigrated database: say which, without a traceback
        print(f"umkm-graph users create: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0

"""examples/typescript-client: GraphQL Code Generator types its operations from schema.graphql, and tsc checks the
client against them, so a schema change that breaks a TypeScript frontend fails here. Needs node and npm (the npm
registry for the first install); without them it skips, unless UMKM_REQUIRE_NODE=1 (set by .ci/run)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.helpers.node import require_npm
from tests.helpers.paths import REPO

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out

CLIENT = REPO / "examples" / "typescript-client"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=CLIENT, capture_output=True, text=True, timeout=300)


def operations(text: str) -> dict[str, str]:
    """Each named operation's text, whitespace collapsed."""
    found = re.findall(r"((?:query|mutation) (\w+)\(.*?\n\})", text, re.S)
    return {name: " ".join(body.split()) for body, name in found}


def test_the_clients_documents_are_the_ones_the_types_are_generated_from() -> None:
    generated_from = operations((CLIENT / "src" / "operations.graphql").read_text())
    sent = operations((CLIENT / "src" / "client.ts").read_text())
    assert set(sent) == {"Storefront", "Login", "Checkout"} and sent == generated_from


def test_the_generated_types_and_the_client_typecheck_against_schema_graphql() -> None:
    tool = require_npm()
    if not (CLIENT / "node_modules" / ".bin" / "graphql-codegen").exists():
        installed = run(tool, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        assert installed.returncode == 0, installed.stderr
    generated = run(tool, "run", "--silent", "generate")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    types = (CLIENT / "src" / "generated" / "graphql.ts").read_text()
    assert "export type StorefrontQuery" in types and "export type CheckoutInput" in types
    checked = run(tool, "run", "--silent", "typecheck")
    assert checked.returncode == 0, checked.stdout + checked.stderr

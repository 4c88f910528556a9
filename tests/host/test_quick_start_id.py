"""The Indonesian quick start (docs/id/mulai-cepat.md) is true: its GraphQL documents are valid against the schema,
its commands parse with the command-line parser, and the logins it lists are the demo's."""

from __future__ import annotations

import re
import shlex

from graphql import parse, validate

from tests.helpers.paths import REPO
from umkm_graph.cli import build_parser
from umkm_graph.demo.seed import DEMO_PASSWORD
from umkm_graph.graphql_schema import build_schema

GUIDE = (REPO / "docs" / "id" / "mulai-cepat.md").read_text()


def test_each_graphql_document_in_the_quick_start_is_valid() -> None:
    documents = re.findall(r"```graphql\n(.*?)```", GUIDE, re.S)
    assert len(documents) >= 2
    schema = build_schema()._schema
    for document in documents:
        assert validate(schema, parse(document)) == [], document


def test_each_command_in_the_quick_start_parses() -> None:
    commands = re.findall(r"`\.venv/bin/(umkm-graph [^`]+)`", GUIDE)
    assert len(commands) >= 3
    parser = build_parser()
    for command in commands:
        parser.parse_args(shlex.split(command)[1:])


def test_the_demo_password_is_the_one_it_gives() -> None:
    assert f"`{DEMO_PASSWORD}`" in GUIDE

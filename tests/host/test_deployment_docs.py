"""The deployment guide's commands are real: each `umkm-graph` line in it parses with the command-line parser."""

from __future__ import annotations

import re
import shlex

from tests.helpers.paths import REPO
from umkm_graph.cli import build_parser

GUIDE = REPO / "docs" / "deployment.md"


def _commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(), re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("umkm-graph ")]


def test_the_guide_has_commands_and_each_one_parses() -> None:
    commands = _commands()
    assert {shlex.split(c)[1] for c in commands} >= {"serve", "migrate"}
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])  # argparse exits on an unknown command or option

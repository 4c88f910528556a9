"""The HTTP surface: GraphiQL for browsers, health, and the command line."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers.api import Api
from tests.helpers.paths import REPO


async def test_browsers_get_graphiql_at_the_graphql_endpoint(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


async def test_healthz_answers(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_export_schema_prints_the_committed_sdl() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "umkm_graph.cli", "export-schema"], capture_output=True, text=True, check=True
    ).stdout
    assert printed == (REPO / "schema.graphql").read_text()

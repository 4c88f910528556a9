"""The pages' assets ship in the package, pinned: every vendored file matches the sha384 its manifest records (the same
Subresource Integrity the pages send, so the browser checks it again), carries its licence, and the pages name nothing
outside this server."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from tests.helpers.api import Api
from umkm_graph.web.assets import VENDOR, vendored

MANIFEST = json.loads((VENDOR / "manifest.json").read_text())


def sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_every_vendored_file_matches_its_recorded_integrity() -> None:
    assets = vendored()
    assert {"react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css"} <= set(assets)
    for name, asset in assets.items():
        assert sha384(asset.path.read_bytes()) == asset.integrity, f"{name} differs from manifest.json"


def test_every_vendored_package_is_pinned_with_its_licence_and_registry_integrity() -> None:
    for folder, entry in MANIFEST.items():
        assert folder == f"{entry['package']}@{entry['version']}"
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]), f"{folder}: pin an exact version"
        assert entry["tarball_integrity"].startswith("sha512-")
        licence = (VENDOR / folder / entry["licence"]).read_text()
        assert "Permission is hereby granted" in licence or "License" in licence, f"{folder}: no licence text"
    assert {path.name for path in VENDOR.iterdir()} == {*MANIFEST, "manifest.json"}, "a folder not in the manifest"


async def test_graphiql_page_loads_only_this_servers_assets_with_their_integrity(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    page = response.text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(url.startswith("/static/vendor/") or url.startswith("data:") for url in urls), urls
    for asset in vendored().values():
        if asset.url in page:
            assert f'{asset.url}" integrity="{asset.integrity}"' in page
            served = await api.client.get(asset.url)
            assert served.status_code == 200 and sha384(served.content) == asset.integrity


async def test_dashboard_page_is_served_with_a_policy_that_keeps_it_on_this_server(api: Api) -> None:
    response = await api.client.get("/dashboard")
    assert response.status_code == 200 and 'lang="id"' in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    for url in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        assert url.startswith("/static/") or url.startswith("data:"), url
        if url.startswith("/static/"):
            assert (await api.client.get(url)).status_code == 200, url


async def test_dashboard_texts_come_from_the_catalogue_in_each_language_and_only_those(api: Api) -> None:
    indonesian, english = [(await api.client.get(f"/dashboard/texts/{lang}.json")).json() for lang in ("id", "en")]
    assert set(indonesian) == set(english) and indonesian["nav.pengaduan"] == "Pengaduan"
    assert english["nav.pengaduan"] == "Complaints"
    unknown = await api.client.get("/dashboard/texts/fr.json")
    assert unknown.status_code == 404 and "id, en" in unknown.json()["error"]

"""The README's tour is true: each of its GraphQL documents answers on the demo data what its text says (the
storefront, search near me, the city's figures), and its upload command, sent as written, gives a photo."""

from __future__ import annotations

import re
import shlex

from tests.helpers.api import Api
from tests.helpers.paths import REPO
from tests.helpers.people import sign_up
from tests.helpers.uploads import phone_jpeg
from umkm_graph.demo.seed import DEMO_PASSWORD, seed_open_database

README = (REPO / "README.md").read_text()
DOCUMENTS = re.findall(r"```graphql\n(.*?)```", README, re.S)
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


async def signed_in(api: Api, email: str) -> str:
    return str((await api.gql(LOGIN, {"e": email, "p": DEMO_PASSWORD}))["login"]["token"])


def tour_document(opening: str) -> str:
    (document,) = [d for d in DOCUMENTS if opening in d]
    return document


async def test_the_tours_storefront_search_near_me_and_city_documents_answer_on_the_demo_data(api: Api) -> None:
    await seed_open_database()
    assert len(DOCUMENTS) == 3  # a new document in the tour gets its check here
    storefront = (await api.gql(tour_document("products(filter: { category:")))["products"]
    nodes = [edge["node"] for edge in storefront["edges"]]
    assert nodes and all(n["shop"]["kecamatan"] == "Klojen" for n in nodes)
    assert [n["price"] for n in nodes] == sorted(n["price"] for n in nodes)

    found = (await api.gql(tour_document("productSearch(")))["productSearch"]
    near = [edge["node"] for edge in found["products"]["edges"]]
    assert near and all(n["name"].startswith("Beras") and n["distanceKm"] <= 5 for n in near)
    assert "5 kg" in near[0]["name"] and found["facets"]["categories"][0]["value"] == "beras"

    analyst = await signed_in(api, "analyst@malangkota.go.id")
    figures = (await api.gql(tour_document("asnParticipation("), token=analyst))["asnParticipation"]
    assert figures["target"] == 200_000 and figures["opds"]  # "against the Rp200,000 target"
    shown = {o["opd"] for o in figures["opds"] if o["registeredAsn"] is not None}
    assert shown == {"Diskominfo", "Disdikbud"}, "at k = 5 the demo's two large OPDs show, the small ones are withheld"
    assert all(o["suppressed"] for o in figures["opds"] if o["opd"] not in shown)


async def test_the_tours_upload_command_sent_as_written_gives_a_photo(api: Api) -> None:
    (command,) = re.findall(r"`(curl [^`]+/uploads)`", README.replace("\n  ", " "))
    words = shlex.split(command)
    header = words[words.index("-H") + 1]
    assert words[words.index("--data-binary") + 1] == "@beras.jpg" and words[-1] == "http://127.0.0.1:8000/uploads"
    seller = await sign_up(api, "SELLER")
    name, _, value = header.replace("$TOKEN", seller.token).partition(": ")
    # curl --data-binary posts the file's bytes as they are, with its default Content-Type.
    sent = await api.client.post("/uploads", content=phone_jpeg(),
                                 headers={name: value, "Content-Type": "application/x-www-form-urlencoded"})
    assert sent.status_code == 201, sent.text
    served = await api.client.get(sent.json()["urls"]["medium"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"

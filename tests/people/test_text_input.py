"""A person's name and OPD: invisible characters are stripped, text made only of them is refused, and so are
direction overrides (hardening II, item 19)."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import REGISTER, serial, sign_up

REGISTER_ASN = """
mutation($nip: String!, $opd: String!) {
  registerAsn(nip: $nip, opd: $opd) { user { opd } errors { code field message } }
}
"""


def _register(name: str) -> dict[str, object]:
    return {"input": {"email": f"text{next(serial)}@example.id", "password": "rahasia-123", "name": name}}


async def test_a_name_made_only_of_invisible_characters_is_refused(api: Api) -> None:
    for name in ("\u200b\u200b\u200b", "\u200d\ufeff\u2060", "\u3164", " \u200b "):
        errors = await api.fails(REGISTER, _register(name))
        assert errors[0]["field"] == ["name"] and "invisible" in errors[0]["message"]


async def test_a_name_with_a_direction_override_is_refused(api: Api) -> None:
    for name in ("Ani \u202eiluB", "Budi\u2067Santoso\u2069", "Ani\x1b[31m"):
        errors = await api.fails(REGISTER, _register(name))
        assert errors[0]["field"] == ["name"]


async def test_zero_width_characters_are_stripped_from_a_name(api: Api) -> None:
    result = await api.ok(REGISTER, _register("Ani\u200b Les\u200btari\ufeff"))
    me = await api.gql("{ me { name } }", token=result["token"])  # type: ignore[arg-type]
    assert me["me"]["name"] == "Ani Lestari"


async def test_an_opd_made_only_of_invisible_characters_is_refused(api: Api) -> None:
    person = await sign_up(api)
    errors = await api.fails(REGISTER_ASN, {"nip": "198005122005012003", "opd": "\u200b\u200c"}, person.token)
    assert errors[0]["field"] == ["opd"]
    errors = await api.fails(REGISTER_ASN, {"nip": "198005122005012003", "opd": "Dinas\u202e"}, person.token)
    assert errors[0]["field"] == ["opd"]

"""Every error code has a text in Bahasa Indonesia and in English, in the gettext catalogues (locales/), and the API
answers it in the request's language: Indonesian by default, English with Accept-Language: en."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.people import sign_up
from umkm_graph.core.errors import ErrorCode
from umkm_graph.translations import LANGUAGES, catalog, language_of

LOGIN = 'mutation { login(email: "nobody@example.id", password: "wrong-password-1") { token errors { code summary } } }'


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_code_has_a_text_in_each_language_and_nothing_else_is_listed(language: str) -> None:
    texts = {message.id: message.string for message in catalog("errors", language) if message.id}
    assert set(texts) == {code.value for code in ErrorCode}
    assert all(isinstance(text, str) and text.strip() for text in texts.values()), texts


def test_the_two_languages_say_each_code_differently() -> None:
    indonesian, english = (catalog("errors", language) for language in ("id", "en"))
    for code in ErrorCode:
        assert indonesian.get(code.value).string != english.get(code.value).string, code


@pytest.mark.parametrize(("header", "language"), [
    (None, "id"), ("en", "en"), ("en-GB,en;q=0.8", "en"), ("id-ID,id;q=0.9,en;q=0.5", "id"), ("fr-FR", "id"),
    ("fr;q=1, en;q=0.3", "en"), ("en;q=0", "id"), ("en;q=bad", "id"),
])
def test_the_requests_language_comes_from_accept_language(header: str | None, language: str) -> None:
    assert language_of(header) == language


async def post(api: Api, query: str, accept_language: str | None) -> dict[str, Any]:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = await api.client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def expected(code: str, language: str) -> str:
    return str(catalog("errors", language).get(code).string)


@pytest.mark.parametrize(("header", "language"), [(None, "id"), ("en-US,en;q=0.9", "en")])
async def test_a_mutations_user_error_has_its_codes_text_in_the_requests_language(
        api: Api, header: str | None, language: str) -> None:
    error = (await post(api, LOGIN, header))["data"]["login"]["errors"][0]
    assert error == {"code": "INVALID_CREDENTIALS", "summary": expected("INVALID_CREDENTIALS", language)}


CHOOSE = "mutation($language: Language!) { updateProfile(input: {language: $language}) { errors { code } } }"
BAD_NAME = 'mutation { updateProfile(input: {name: ""}) { errors { code summary } } }'


@pytest.mark.parametrize(("chosen", "header", "language"), [
    ("EN", "id-ID,id;q=0.9", "en"), ("ID", "en-US,en;q=0.9", "id"), (None, "en-US,en;q=0.9", "en"),
])
async def test_a_signed_in_persons_chosen_language_outranks_the_devices_accept_language(
        api: Api, chosen: str | None, header: str, language: str) -> None:
    person = await sign_up(api)
    if chosen is not None:
        assert (await api.gql(CHOOSE, {"language": chosen}, person.token))["updateProfile"]["errors"] == []
    response = await api.client.post("/graphql", json={"query": BAD_NAME},
                                     headers={"Accept-Language": header, "Authorization": f"Bearer {person.token}"})
    (error,) = response.json()["data"]["updateProfile"]["errors"]
    assert error["summary"] == expected(error["code"], language)

"""Password hashes in the cost model (hardening II, item 2): login and register each run argon2, about a quarter of a
second of CPU, so they are priced by what they cost, and a request may hold one of them (or registerAsn): aliases and
batches are refused before any password is hashed."""

from __future__ import annotations

import time

import pytest

from tests.helpers.api import Api, error_codes, post
from tests.helpers.people import REGISTER, sign_up

pytestmark = pytest.mark.usefixtures("real_password_hashing")  # about what hashing costs

# Less than one argon2 hash (about 0.25 s): a refused request hashed no password.
NO_HASH_CPU_SECONDS = 0.15


def aliased_logins(count: int) -> str:
    fields = " ".join(f'a{i}: login(email: "nobody{i}@example.id", password: "tebakan-{i}") {{ token }}'
                      for i in range(count))
    return f"mutation {{ {fields} }}"


async def cpu_of(request):  # type: ignore[no-untyped-def]
    """The request's answer and the CPU the whole process (the server's threads too) spent on it."""
    started = time.process_time()
    answer = await request
    return answer, time.process_time() - started


async def test_thirty_aliased_logins_are_refused_before_any_password_is_hashed(api: Api) -> None:
    body, cpu = await cpu_of(api.post(aliased_logins(30)))
    assert error_codes(body) == ["ONCE_PER_REQUEST"] and body["data"] is None
    assert "login x30" in body["errors"][0]["message"] and body["errors"][0]["extensions"]["count"] == 30
    assert cpu < NO_HASH_CPU_SECONDS, f"{cpu:.2f} s of CPU: passwords were hashed"


async def test_a_batch_of_ten_logins_is_refused_before_any_password_is_hashed(api: Api) -> None:
    batch = [{"query": aliased_logins(1)} for _ in range(10)]
    response, cpu = await cpu_of(post(api, batch))
    assert response.status_code == 200
    answers = response.json()
    assert len(answers) == 10 and all(error_codes(answer) == ["ONCE_PER_REQUEST"] for answer in answers)
    assert all(answer["data"] is None for answer in answers)
    assert cpu < NO_HASH_CPU_SECONDS, f"{cpu:.2f} s of CPU: passwords were hashed"


async def test_a_batch_of_ten_thirty_alias_logins_is_refused_too(api: Api) -> None:
    response, cpu = await cpu_of(post(api, [{"query": aliased_logins(30)} for _ in range(10)]))
    assert all(error_codes(answer) == ["ONCE_PER_REQUEST"] for answer in response.json())
    assert cpu < NO_HASH_CPU_SECONDS


async def test_a_login_and_a_registration_in_one_batch_are_refused(api: Api) -> None:
    person = await sign_up(api)
    register = {"query": REGISTER, "variables": {"input": {"email": "baru@example.id", "password": "rahasia-123",
                                                           "name": "Baru"}}}
    login = {"query": f'mutation {{ login(email: "{person.email}", password: "rahasia-123") {{ token }} }}'}
    answers = (await post(api, [register, login])).json()
    assert [error_codes(answer) for answer in answers] == [["ONCE_PER_REQUEST"]] * 2
    again = await api.post(f'mutation {{ login(email: "baru@example.id", password: "rahasia-123") {{ token }} }}')
    assert again["data"]["login"]["token"] is None, "the refused batch registered the account"


async def test_two_registrations_in_one_operation_are_refused(api: Api) -> None:
    person = await sign_up(api)
    body = await api.post('mutation { a: registerAsn(nip: "198001012005011001", opd: "Diskominfo") { errors { code } }'
                          ' b: registerAsn(nip: "198001012005011002", opd: "Diskominfo") { errors { code } } }',
                          token=person.token)
    assert error_codes(body) == ["ONCE_PER_REQUEST"] and body["data"] is None


async def test_one_login_per_request_still_signs_in(api: Api) -> None:
    person = await sign_up(api)
    data = await api.gql(f'mutation {{ login(email: "{person.email}", password: "rahasia-123") {{ token }} }}')
    assert data["login"]["token"]


async def test_a_password_hash_is_priced_like_a_large_query(api: Api) -> None:
    """Two queries of 4,601 points fit the budget of 10,000 together; with a login (2,503 points) they do not."""
    products = "products(first: 100) { edges { node { id name price reviews(first: 10) { edges { node { id rating } } } } } }"
    login = {"query": 'mutation { login(email: "x@example.id", password: "y") { token user { id } } }'}
    queries = [{"query": f"{{ {products} }}"}, {"query": f"{{ b: {products} }}"}]
    assert [error_codes(answer) for answer in (await post(api, queries)).json()] == [[], []]
    answers = (await post(api, [login, *queries])).json()
    assert [error_codes(answer) for answer in answers] == [["QUERY_TOO_COMPLEX"]] * 3
    assert answers[0]["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 2503 + 2 * 4601,
                                                     "budget": 10000}

"""The query budget is per request (hardening II, item 12): a batch's operations count together against the asker's
budget, persisted ones too, and a batch over it is refused before any of its operations runs."""

from __future__ import annotations

import hashlib

from tests.helpers.api import Api, error_codes, post
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, shop_input
from umkm_graph.people.models import Role

# 4,601 points: within the budget of 10,000 alone, and twice; three of them are not.
STOREFRONT = "{ products(first: 100) { edges { node { id name price reviews(first: 10) { edges { node { id rating } } } } } } }"
STOREFRONT_POINTS = 4601


async def test_a_batch_of_legal_queries_over_the_budget_together_is_refused_before_any_runs(api: Api) -> None:
    assert error_codes(await api.post(STOREFRONT)) == []
    answers = (await post(api, [{"query": STOREFRONT}] * 10)).json()
    assert len(answers) == 10 and all(answer["data"] is None for answer in answers)
    assert all(answer["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 10 * STOREFRONT_POINTS,
                                                     "budget": 10000} for answer in answers)
    assert "batch of 10 operations" in answers[0]["errors"][0]["message"]


async def test_a_batch_within_the_budget_runs_every_operation(api: Api) -> None:
    answers = (await post(api, [{"query": STOREFRONT}] * 2)).json()
    assert [answer["data"] for answer in answers] == [{"products": {"edges": []}}] * 2


async def test_a_batch_that_writes_is_refused_whole_when_over_the_budget(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    create = {"query": CREATE_SHOP, "variables": {"input": shop_input()}}
    answers = (await post(api, [create, *[{"query": STOREFRONT}] * 3], token=seller.token)).json()
    assert all(error_codes(answer) == ["QUERY_TOO_COMPLEX"] for answer in answers)
    officer = await city_person(api)
    pending = await api.gql("{ shops(filter: {status: PENDING}) { edges { node { id } } } }", token=officer.token)
    assert pending["shops"]["edges"] == [], "an operation of the refused batch ran"


async def test_persisted_operations_of_a_batch_count_too(api: Api) -> None:
    sha = hashlib.sha256(STOREFRONT.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    assert error_codes((await post(api, {"query": STOREFRONT, "extensions": extensions})).json()) == []
    answers = (await post(api, [{"extensions": extensions}] * 3)).json()
    assert [answer["errors"][0]["extensions"]["cost"] for answer in answers] == [3 * STOREFRONT_POINTS] * 3


async def test_analysts_budget_covers_their_batches(api: Api) -> None:
    answers = (await post(api, [{"query": STOREFRONT}] * 10, token=(await city_person(api, Role.ANALYST)).token)).json()
    assert all(error_codes(answer) == [] for answer in answers)

"""Orders for tests: one transition mutation as a given person, and an order as a given person sees it."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS, ORDER_FIELDS
from tests.helpers.people import Person

ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} buyer {{ id name phone }} cancelReason }} }}"


def transition_mutation(name: str) -> str:
    declared = {"markDelivered": ", $pickupCode: String", "cancelOrder": ", $reason: String!"}.get(name, "")
    passed = {"markDelivered": ", pickupCode: $pickupCode", "cancelOrder": ", reason: $reason"}.get(name, "")
    return f"""
    mutation($id: ID!{declared}) {{
      {name}(id: $id{passed}) {{ order {{ id status payment {{ status paidAt }} }} {ERRORS} }}
    }}"""


async def attempt(api: Api, name: str, order: dict[str, Any], person: Person | None, **extra: Any) -> dict[str, Any]:
    """The payload of one transition mutation, success or not; cancel gets a reason and markDelivered the code."""
    variables: dict[str, Any] = {"id": order["id"]}
    if name == "cancelOrder":
        variables["reason"] = extra.get("reason", "Salah pesan")
    if name == "markDelivered":
        variables["pickupCode"] = extra.get("pickupCode", order["pickupCode"])
    data = await api.gql(transition_mutation(name), variables, person.token if person else None)
    return data[name]


async def read(api: Api, order: dict[str, Any], person: Person | None) -> dict[str, Any] | None:
    return (await api.gql(ORDER, {"id": order["id"]}, person.token if person else None))["order"]

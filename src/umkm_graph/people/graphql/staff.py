"""The city's own accounts, for city officers: create, list, deactivate and reactivate officers and analysts."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, connection, window
from umkm_graph.people import staff
from umkm_graph.people.graphql.types import Role
from umkm_graph.people.models import User


@strawberry.type(name="StaffAccount", description="A city officer's or analyst's account.")
class StaffAccountType:
    id: strawberry.ID
    email: str
    name: str
    role: Role  # type: ignore[valid-type]
    active: bool = strawberry.field(description="False once deactivated: it cannot sign in, and its tokens stopped.")
    deactivated_at: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def from_model(cls, user: User) -> StaffAccountType:
        return cls(id=strawberry.ID(str(user.id)), email=user.email, name=user.name, role=user.role,
                   active=user.deactivated_at is None, deactivated_at=user.deactivated_at, created_at=user.created_at)


@strawberry.input
class StaffAccountInput:
    email: str
    name: str
    role: Role  # type: ignore[valid-type]
    password: str = strawberry.field(description="A first password, to hand over; the person changes it "
                                     "(changePassword) or resets it.")


@strawberry.type
class StaffAccountPayload:
    account: StaffAccountType | None = None
    errors: list[UserError]


def _answer(user: User) -> dict[str, object]:
    return {"account": StaffAccountType.from_model(user)}


@strawberry.type
class StaffQuery:
    @strawberry.field(description="City officers: the city's officer and analyst accounts, oldest first.")
    async def staff_accounts(self, info: Info[Context, None], active: bool | None = None, first: int | None = None,
                             after: str | None = None) -> Connection[StaffAccountType]:
        settings = info.context.settings
        page = await staff.staff_accounts(await info.context.user(), window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size), active=active)
        return connection(page, StaffAccountType.from_model)


@strawberry.type
class StaffMutation:
    @strawberry.mutation(description="A city officer creates a CITY_OFFICER or ANALYST account.")
    async def create_staff_account(self, info: Info[Context, None], input: StaffAccountInput) -> StaffAccountPayload:
        minimum = info.context.settings.password_min_length
        return await mutate(info, StaffAccountPayload, lambda user: staff.create_staff_account(
            user, email=input.email, name=input.name, role=input.role, password=input.password,
            min_password_length=minimum), _answer)

    @strawberry.mutation(description="A city officer deactivates another staff account: it signs in no more, and "
                         "its tokens stop working at once.")
    async def deactivate_staff_account(self, info: Info[Context, None], id: strawberry.ID) -> StaffAccountPayload:
        return await mutate(info, StaffAccountPayload,
                            lambda user: staff.set_active(user, parse_id(id, "id"), False), _answer)

    @strawberry.mutation(description="A city officer reactivates a deactivated staff account.")
    async def reactivate_staff_account(self, info: Info[Context, None], id: strawberry.ID) -> StaffAccountPayload:
        return await mutate(info, StaffAccountPayload,
                            lambda user: staff.set_active(user, parse_id(id, "id"), True), _answer)

"""Accounts: register, login, registerAsn and me."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.people import service as people
from umkm_graph.people.access import require_user
from umkm_graph.people.graphql.types import Role, UserType
from umkm_graph.people.models import Role as RoleModel
from umkm_graph.people.models import User


@strawberry.input
class RegisterInput:
    email: str
    password: str
    name: str
    phone: str | None = None
    role: Role = RoleModel.BUYER  # type: ignore[valid-type]


@strawberry.type
class AuthPayload:
    token: str | None = None
    user: UserType | None = None
    errors: list[UserError]


@strawberry.type
class UserPayload:
    user: UserType | None = None
    errors: list[UserError]


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="The signed-in person, or null when no token is sent.")
    async def me(self, info: Info[Context, None]) -> UserType | None:
        user = await info.context.user()
        return UserType.from_model(user) if user else None


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="Create a BUYER or SELLER account and sign in.")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> AuthPayload:
        async def register(_: None) -> User:
            return await people.register(
                email=input.email, password=input.password, name=input.name, role=input.role, phone=input.phone,
                min_password_length=info.context.settings.password_min_length,
                throttle=info.context.registration_throttle, address=info.context.client_address,
            )

        return await mutate(info, AuthPayload, register, lambda user: _signed_in(info, user), anonymous=True)

    @strawberry.mutation(description="Exchange email and password for a bearer token.")
    async def login(self, info: Info[Context, None], email: str, password: str) -> AuthPayload:
        return await mutate(
            info, AuthPayload, lambda _: people.authenticate(email, password, info.context.login_throttle,
                                          info.context.client_address),
            lambda user: _signed_in(info, user),
            anonymous=True,
        )

    @strawberry.mutation(description="Register the signed-in buyer as a civil servant (ASN) with a NIP and an OPD.")
    async def register_asn(self, info: Info[Context, None], nip: str, opd: str) -> UserPayload:
        return await mutate(
            info, UserPayload,
            lambda user: people.register_asn(require_user(user), nip=nip, opd=opd,
                                             throttle=info.context.registration_throttle,
                                             address=info.context.client_address),
            lambda user: {"user": UserType.from_model(user)},
        )


def _signed_in(info: Info[Context, None], user: User) -> dict[str, object]:
    settings = info.context.settings
    token = people.issue_token(user, settings.secret_key, settings.token_ttl_seconds)
    return {"token": token, "user": UserType.from_model(user)}

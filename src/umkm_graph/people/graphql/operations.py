"""Accounts: register, login, registerAsn and me."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.growth import referrals
from umkm_graph.people import accounts
from umkm_graph.people import service as people
from umkm_graph.people.access import require_user
from umkm_graph.people.graphql.types import Language, Role, UserType
from umkm_graph.people.models import Role as RoleModel
from umkm_graph.people.models import User


@strawberry.input
class RegisterInput:
    email: str
    password: str
    name: str
    phone: str | None = None
    role: Role = RoleModel.BUYER  # type: ignore[valid-type]
    referral_code: str | None = strawberry.field(default=None, description=(
        "The referral code (myReferralCode) of the person who invited you; an unknown code, or your own, is refused."))


@strawberry.input(description="What to change of your profile; a field left null stays as it is.")
class UpdateProfileInput:
    name: str | None = None
    phone: str | None = strawberry.field(default=None, description="An empty string removes the phone.")
    language: Language | None = None  # type: ignore[valid-type]


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
            context = info.context
            signed_in = await people.user_from_token(context.token, context.settings.secret_key) \
                if context.token else None  # only to refuse one's own referral code: the new account is anonymous
            return await referrals.register_referred(input.referral_code, signed_in, input.phone, lambda: people.register(
                email=input.email, password=input.password, name=input.name, role=input.role, phone=input.phone,
                min_password_length=context.settings.password_min_length,
                throttle=context.registration_throttle, address=context.client_address,
            ))

        return await mutate(info, AuthPayload, register, lambda user: _signed_in(info, user), anonymous=True)

    @strawberry.mutation(description="Exchange email and password for a bearer token.")
    async def login(self, info: Info[Context, None], email: str, password: str) -> AuthPayload:
        return await mutate(
            info, AuthPayload, lambda _: people.authenticate(email, password, info.context.login_throttle,
                                          info.context.client_address),
            lambda user: _signed_in(info, user),
            anonymous=True,
        )

    @strawberry.mutation(description=(
        "Register the signed-in buyer as a civil servant (ASN) with a NIP and an OPD from the opds list (opdCode or "
        "opdId). A NIP the BKPSDM roster lists takes the roster's OPD (give none, or that one): the ASN is VERIFIED; "
        "one it does not list is PENDING."))
    async def register_asn(
        self, info: Info[Context, None], nip: str,
        opd: Annotated[str | None, strawberry.argument(
            deprecation_reason="Use opdCode or opdId: free text is matched against the OPDs' names and short names, "
                               "without case, and an unknown one is refused")] = None,
        opd_code: str | None = None, opd_id: strawberry.ID | None = None,
    ) -> UserPayload:
        async def register(user: User | None) -> User:
            unit_id = parse_id(opd_id, "opdId") if opd_id is not None else None
            return await people.register_asn(require_user(user), nip=nip, opd=opd, opd_code=opd_code,
                                             opd_id=unit_id, throttle=info.context.registration_throttle,
                                             address=info.context.client_address)

        return await mutate(info, UserPayload, register, lambda user: {"user": UserType.from_model(user)})

    @strawberry.mutation(description="Change your name, phone or language.")
    async def update_profile(self, info: Info[Context, None], input: UpdateProfileInput) -> UserPayload:
        clear = input.phone is not None and not input.phone.strip()
        return await mutate(
            info, UserPayload,
            lambda user: accounts.update_profile(user, name=input.name, phone=None if clear else input.phone,
                                                 language=input.language, clear_phone=clear),
            lambda user: {"user": UserType.from_model(user)},
        )

    @strawberry.mutation(description="Take on another role: a SELLER also buys as a BUYER (and may then register as "
                                     "ASN); a BUYER opens shops as a SELLER. City accounts keep their one role.")
    async def add_role(self, info: Info[Context, None], role: Role) -> UserPayload:  # type: ignore[valid-type]
        return await mutate(info, UserPayload, lambda user: accounts.add_role(user, role),
                            lambda user: {"user": UserType.from_model(user)})

    @strawberry.mutation(description="Change your password; the current one is checked, and counts as a sign-in attempt.")
    async def change_password(
        self, info: Info[Context, None], current_password: str, new_password: str
    ) -> UserPayload:
        return await mutate(
            info, UserPayload,
            lambda user: accounts.change_password(user, current_password, new_password,
                                                  throttle=info.context.login_throttle,
                                                  address=info.context.client_address,
                                                  min_length=info.context.settings.password_min_length),
            lambda user: {"user": UserType.from_model(user)},
        )


def _signed_in(info: Info[Context, None], user: User) -> dict[str, object]:
    settings = info.context.settings
    token = people.issue_token(user, settings.secret_key, settings.token_ttl_seconds)
    return {"token": token, "user": UserType.from_model(user)}

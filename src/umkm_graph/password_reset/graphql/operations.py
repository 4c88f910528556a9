"""requestPasswordReset and resetPassword: both for people who are not signed in."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.password_reset import service as resets


@strawberry.type
class PasswordResetRequestPayload:
    accepted: bool = strawberry.field(default=False, description=(
        "True once the request is taken: if an account has this email or phone, a code is on its way to the "
        "account's own email (or WhatsApp). The answer is the same whether an account exists or not."))
    errors: list[UserError]


@strawberry.type
class PasswordResetPayload:
    done: bool = strawberry.field(default=False, description="True when the new password is set: sign in with it. "
                                  "Every session of the account is signed out.")
    errors: list[UserError]


def _policy(info: Info[Context, None]) -> resets.ResetPolicy:
    settings = info.context.settings
    return resets.ResetPolicy(minutes=settings.password_reset_minutes,
                              min_password_length=settings.password_min_length)


@strawberry.type
class PasswordResetMutation:
    @strawberry.mutation(description="Ask for a one-time code to set a new password, by your account's email or phone.")
    async def request_password_reset(
        self, info: Info[Context, None], email_or_phone: str
    ) -> PasswordResetRequestPayload:
        async def request(_: None) -> None:
            await resets.request_reset(email_or_phone, channels=list(info.context.providers.notifiers),
                                       policy=_policy(info), throttle=info.context.password_reset_throttle,
                                       address=info.context.client_address)

        return await mutate(info, PasswordResetRequestPayload, request, lambda _: {"accepted": True}, anonymous=True)

    @strawberry.mutation(description="Set a new password with the code sent by requestPasswordReset; it works once.")
    async def reset_password(self, info: Info[Context, None], code: str, new_password: str) -> PasswordResetPayload:
        return await mutate(
            info, PasswordResetPayload,
            lambda _: resets.reset_password(code, new_password, policy=_policy(info),
                                            throttle=info.context.password_reset_throttle,
                                            address=info.context.client_address),
            lambda _: {"done": True}, anonymous=True,
        )

"""One error convention: UserError in mutation payloads, readable errors for expected failures, masked ones otherwise."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from umkm_graph.core.errors import DomainError, DomainErrors
from umkm_graph.core.errors import ErrorCode as DomainErrorCode
from umkm_graph.observability import ERRORS
from umkm_graph.translations import language_of, text

log = logging.getLogger("umkm_graph.errors")

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode", description="What kind of expected failure this is.")


@strawberry.type(description="An expected failure: which input is wrong, and why.")
class UserError:
    code: ErrorCode  # type: ignore[valid-type]
    field: list[str] = strawberry.field(description="Path to the input field at fault; empty when none is.")
    message: str

    @strawberry.field(description="What kind of failure this is, for a person, in their language: the one the "
                                  "signed-in person chose (updateProfile), else Accept-Language's, else Bahasa Indonesia.")
    async def summary(self, info: strawberry.Info) -> str:
        context = info.context
        return error_summary(self.code.value, getattr(context, "request", None), await _chosen_language(context))


async def _chosen_language(context: Any) -> str | None:
    """The signed-in person's own choice, which outranks the device's Accept-Language; None when anonymous or unset."""
    try:
        user = await context.user()
    except DomainError:  # a bad token: the error itself says so; its text falls back to the header
        return None
    language = getattr(user, "language", None)
    return language.value if language is not None else None


def error_summary(code: str, request: Any, chosen: str | None = None) -> str:
    """The catalogue's text for an error code (locales/<language>/LC_MESSAGES/errors.po) in the person's chosen
    language, else the request's."""
    headers = getattr(request, "headers", None)
    language = chosen or language_of(headers.get("accept-language") if headers is not None else None)
    return text("errors", code, language) or code


def user_errors(error: DomainError) -> list[UserError]:
    errors = error.errors if isinstance(error, DomainErrors) else [error]
    return [UserError(code=e.code, field=e.field, message=e.message) for e in errors]


P = TypeVar("P")


async def mutate(
    info: Any,
    make: Callable[..., P],
    action: Callable[[Any], Awaitable[Any]],
    convert: Callable[[Any], dict[str, Any]],
    *,
    anonymous: bool = False,
) -> P:
    """Run a mutation's service call as the signed-in user (or None): its result fills the payload, a DomainError
    becomes the payload's errors. anonymous=True ignores any token, for register and login."""
    try:
        result = await action(None if anonymous else await info.context.user())
    except DomainError as error:
        errors = user_errors(error)
        for e in errors:
            ERRORS.labels(e.code.value).inc()
        return make(errors=errors)
    return make(errors=[], **convert(result))


def _is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, (DomainError, GraphQLError))


class ReadableErrors(MaskErrors):
    """Expected errors keep their message and gain a code; anything else is logged with an id and masked."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not _is_expected(error))

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process(error) for error in errors]

    def _process(self, error: GraphQLError) -> GraphQLError:
        processed = self._readable(error)
        ERRORS.labels((processed.extensions or {}).get("code", "GRAPHQL")).inc()
        return processed

    def _readable(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            return GraphQLError(
                original.message, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
                extensions={"code": original.code.value, "field": original.field},
            )
        if _is_expected(error):
            return error
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
        return GraphQLError(
            f"Unexpected error. Quote this id when reporting it: {error_id}",
            nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
            extensions={"code": "INTERNAL", "errorId": error_id},
        )

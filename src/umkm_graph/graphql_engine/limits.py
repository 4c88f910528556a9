"""Query protections, on by default, as schema extensions: limits checked before validation (query_guard.py), a cost
budget by role and limits on the variables checked before validation too (query_cost.py), a cap on batched operations,
switches for introspection and field suggestions, and a code in `extensions.code` on every error they, parsing and
validation report. A refused operation gets its error as its answer, over HTTP and over a WebSocket.

Each step refuses as early and as cheaply as it can:

    lexing      QUERY_TOO_LARGE (too many characters), TOO_MANY_TOKENS (the count of strawberry's MaxTokensLimiter),
                QUERY_TOO_DEEP (brackets nested too far for the recursive parser), BAD_USER_INPUT (a string literal
                with a NUL character, which PostgreSQL cannot store)
    parsing     GRAPHQL_PARSE_FAILED
    guard       GRAPHQL_VALIDATION_FAILED (unknown fragment, fragment cycle), QUERY_TOO_DEEP (fragments chained too
                far, then strawberry's QueryDepthLimiter), QUERY_TOO_LARGE (too many fields once fragments are
                expanded, or one field repeated too often), TOO_MANY_ALIASES (strawberry's MaxAliasesLimiter)
    budget      INPUT_TOO_LARGE (a list in the variables too long), BAD_USER_INPUT (text with a NUL character),
                ONCE_PER_REQUEST (a rationed field, such as login, selected more than once), QUERY_TOO_COMPLEX (cost
                over the asker's budget)
    validation  GRAPHQL_VALIDATION_FAILED (graphql-core's rules, cached; introspection when it is off)
    execution   BAD_USER_INPUT (variables of the wrong type), then the resolvers
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    get_introspection_query,
    parse,
)
from starlette.responses import JSONResponse, Response
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, SchemaExtension, ValidationCache
from strawberry.schema.config import BatchingConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from umkm_graph.graphql_engine.compat import core_schema
from umkm_graph.graphql_engine.query_cost import NOTHING, Cost, FieldPrices, operation_cost
from umkm_graph.graphql_engine.query_guard import UNSTORABLE, DocumentGuard, limit_error, unstorable
from umkm_graph.settings import Settings

# Items of one list in the variables; longer lists are refused before graphql-core coerces every item.
MAX_LIST_ITEMS = 500
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)
_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}

QueryBudget = Callable[[Any], Awaitable[int]]
"""The most an operation may cost for whoever asks, given the request's context. The host decides (the engine knows no
roles); without one, everyone gets UMKM_MAX_QUERY_COST."""


def error_body(code: str, message: str, **extra: object) -> dict[str, Any]:
    """A GraphQL-shaped body for a request refused before GraphQL runs (413, 429, 503, bad HTTP)."""
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code, **extra}}]}


class QueryLimits:
    """The limits of one schema: the extensions that hold each operation to them, and the same cost rules for a whole
    request (request_problem), which the HTTP view applies to a batch before any of its operations runs."""

    def __init__(self, settings: Settings, budget: QueryBudget | None = None, prices: FieldPrices | None = None) -> None:
        self.settings = settings
        self.guard = DocumentGuard(settings)  # its parse cache is shared by the extensions and the batch check
        self.budget = budget or _flat_budget(settings.max_query_cost)
        self.prices = prices or FieldPrices()
        self._introspection: dict[int, int] = {}  # a full introspection's points, per schema

    def extensions(self) -> list[Callable[[], SchemaExtension]]:
        """The schema extensions that enforce these settings, in the order they must run. They parse and validate with
        caches of their own (in place of strawberry's ParserCache and ValidationCache)."""
        settings = self.settings
        found: list[Callable[[], SchemaExtension]] = [
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: LimitedParser(self.guard),
            lambda: ErrorCodes(suggestions=settings.field_suggestions_enabled),
            lambda: QueryCost(self),
        ]
        if not settings.introspection_enabled:
            found.append(DisableIntrospection)
        found.append(lambda: LimitedValidationCache(maxsize=256))
        return found

    def cost(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
             variables: dict[str, Any]) -> Cost:
        return operation_cost(schema, document, operation_name, variables, self.settings.default_page_size, self.prices)

    def document_cost(self, schema: GraphQLSchema, query: object, operation_name: object, variables: object) -> Cost:
        """The cost of a document not parsed yet, through the guard's cache; a document the guard or the variables
        check refuses costs nothing here, because it will be refused before it runs."""
        if not isinstance(query, str) or variables_problem(variables) is not None:
            return NOTHING
        try:
            document = self.guard.document(schema, query, self.settings.max_query_tokens)
        except GraphQLError:
            return NOTHING
        name = operation_name if isinstance(operation_name, str) else None
        return self.cost(schema, document, name, variables if isinstance(variables, dict) else {})

    async def request_problem(self, schema: GraphQLSchema, operations: list[tuple[object, object, object]],
                              context: Any) -> GraphQLError | None:
        """Why a batch of (query, operation name, variables) is refused as a whole: its operations' costs together
        over the asker's budget, or more than one rationed field among them; None when it may run."""
        total = NOTHING
        for query, operation_name, variables in operations:
            total += self.document_cost(schema, query, operation_name, variables)
        scope = f"this batch of {len(operations)} operation{'s' * (len(operations) != 1)}"
        return self.problem(total, await self.budget(context), scope)

    def floor(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, budget: int) -> int:
        """The budget of an operation that only introspects is never below one full introspection of this schema (the
        query GraphiQL and code generators send): the schema's size is ours, not the asker's, and it grows with every
        issue. Two walks in one document still cost twice as much; every other operation keeps its budget."""
        if not _introspects_only(document, operation_name):
            return budget
        return max(budget, self._introspection_points(schema))

    def _introspection_points(self, schema: GraphQLSchema) -> int:
        known = self._introspection.get(id(schema))
        if known is None:
            document = parse(get_introspection_query())
            known = self._introspection[id(schema)] = self.cost(schema, document, None, {}).points
        return known

    def problem(self, cost: Cost, budget: int, scope: str) -> GraphQLError | None:
        """Why an operation or a request of this cost is refused (scope names which), or None."""
        repeated = sum(cost.rationed.values())
        if repeated > 1:
            names = ", ".join(sorted(name.split(".", 1)[1] for name in self.prices.rationed))
            selected = ", ".join(f"{name.split('.', 1)[1]} x{n}" for name, n in sorted(cost.rationed.items()))
            return limit_error("ONCE_PER_REQUEST", f"Each of {names} {self.prices.why_rationed}: a request may "
                               f"hold only one of them, and {scope} holds {repeated} ({selected})", count=repeated)
        if cost.points > budget:
            return limit_error(
                "QUERY_TOO_COMPLEX",
                f"{scope[0].upper()}{scope[1:]} costs {cost.points:,} points, over your budget of {budget:,}: each "
                f"list multiplies the cost of what it selects by its size (first, at most "
                f"{self.settings.max_page_size}), and a batch's operations count together. Ask for fewer items or "
                "fewer fields.",
                cost=cost.points, budget=budget,
            )
        return None


def of(schema: object, settings: Settings) -> QueryLimits:
    """The QueryLimits a schema was built with (graphql_schema.build_schema keeps them as `query_limits`), or the
    plain ones of these settings."""
    found = getattr(schema, "query_limits", None)
    return found if isinstance(found, QueryLimits) else QueryLimits(settings)


def batching(settings: Settings) -> BatchingConfig:
    return {"max_operations": settings.max_batch_operations}


# Stand in for a refused document, so strawberry skips parsing and validation and answers the refusal; one of each
# operation type, so that the operation types the transport allows still allow it.
_STAND_INS = {kind: parse(f"{kind.value} {{ __typename }}") for kind in
              (OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION)}


def refuse(context: ExecutionContext, error: GraphQLError) -> None:
    """End the operation before validation with this error as its answer; over HTTP and over a WebSocket alike (an
    exception raised by a hook would escape a subscription's stream)."""
    if context.graphql_document is None:
        kind = next((k for k in _STAND_INS if k in context.allowed_operations), OperationType.QUERY)
        context.graphql_document = _STAND_INS[kind]
    context.pre_execution_errors = [error]


class LimitedParser(SchemaExtension):
    """Parses through the DocumentGuard, so a document is refused before validation when it breaks a limit."""

    def __init__(self, guard: DocumentGuard) -> None:
        self.guard = guard

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query and not context.pre_execution_errors:
            max_tokens = context.parse_options.get("max_tokens") or 10**9
            try:
                context.graphql_document = self.guard.document(core_schema(context.schema), context.query, max_tokens)
            except GraphQLError as error:
                refuse(context, error)
        yield


class LimitedValidationCache(ValidationCache):
    """ValidationCache that leaves an operation already refused by a limit alone."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
        else:
            yield from super().on_validate()


class ErrorCodes(SchemaExtension):
    """Validation and variable errors get a code (and lose 'Did you mean' hints when suggestions are off)."""

    def __init__(self, *, suggestions: bool) -> None:
        self.suggestions = suggestions
        self.validation_errors: set[int] = set()

    def on_validate(self) -> Iterator[None]:
        yield
        self.validation_errors = {id(error) for error in self.execution_context.pre_execution_errors or ()}

    def on_operation(self) -> Iterator[None]:
        yield
        self._code(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:  # a subscription's results
        self._code(result)
        yield

    def _code(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if (error.extensions or {}).get("code") or error.path or not (original is None or isinstance(original, GraphQLError)):
            return error
        code = "GRAPHQL_VALIDATION_FAILED" if id(error) in self.validation_errors else "BAD_USER_INPUT"
        message = error.message if self.suggestions else _SUGGESTION.sub("", error.message)
        return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                            extensions={**(error.extensions or {}), "code": code})


class QueryCost(SchemaExtension):
    """Refuses, before validation and before any resolver runs, an operation whose variables hold a list longer than
    MAX_LIST_ITEMS or text no database can store, that selects a rationed field more than once, or whose cost is over
    the asker's budget (the host's QueryBudget). The cost is worked out on the document as sent: an invalid one is
    refused either way."""

    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            problem = variables_problem(context.variables)
            if problem is None:
                cost = self.limits.cost(core_schema(context.schema), document, context.operation_name,
                                        context.variables or {})
                budget = self.limits.floor(core_schema(context.schema), document, context.operation_name,
                                           await self.limits.budget(context.context))
                problem = self.limits.problem(cost, budget, "this operation")
            if problem is not None:
                refuse(context, problem)
        yield


def _introspects_only(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation's root selects only introspection fields (__schema, __type, __typename)."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
                operation_name is None or (definition.name and definition.name.value == operation_name)):
            return all(isinstance(selection, FieldNode) and selection.name.value.startswith("__")
                       for selection in definition.selection_set.selections)
    return False


def _flat_budget(cost: int) -> QueryBudget:
    async def budget(_: Any) -> int:
        return cost

    return budget


def variables_problem(variables: object) -> GraphQLError | None:
    """A list too long or a text no database can store, anywhere in the variables; None when there is neither."""
    pending = [variables]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if unstorable(item):
                return limit_error("BAD_USER_INPUT", UNSTORABLE)
        elif isinstance(item, list):
            if len(item) > MAX_LIST_ITEMS:
                return limit_error("INPUT_TOO_LARGE", f"A list in the variables holds {len(item):,} items; at most "
                                   f"{MAX_LIST_ITEMS} are allowed", maxItems=MAX_LIST_ITEMS)
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
    return None


def encode_json(data: object) -> bytes:
    """Responses as compact UTF-8 JSON, by orjson (several times faster than json.dumps on a page of products); text
    orjson refuses (half a surrogate pair, echoed in an error message) goes through json.dumps, which escapes it."""
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, separators=(",", ":")).encode()


def refusal_response(error: HTTPException, settings: Settings) -> Response:
    """An HTTP-level refusal of strawberry's as a GraphQL-shaped JSON body with a code."""
    if error.reason == "Too many operations":
        body = error_body("TOO_MANY_OPERATIONS",
                          f"A batch may hold at most {settings.max_batch_operations} operations; send fewer at once")
    else:
        body = error_body(_HTTP_CODES.get(error.status_code, "BAD_REQUEST"), error.reason)
    return JSONResponse(body, status_code=error.status_code)

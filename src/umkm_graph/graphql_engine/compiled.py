"""The document compiler of issue 19: a plan per document, run without graphql-core's execution.

The first time a document is seen (its text, which a persisted query's hash has already become), it is parsed through
the guard (the same limits as the reference path), validated, and its operation flattened (compiled_selection.py).
Each root field must be one a domain has registered a compiler for (`RootCompilers`); the domain's compiler turns the
field, as one request's variables select it, into a `Runner`: what reads the rows and writes the field's answer. Plans
are kept per document in a bounded LRU; a document that cannot be compiled is remembered as such.

At request time: the variables are checked (limits.variables_problem) and coerced as graphql-core would; the cost is
worked out and held to the asker's budget; the conditions are evaluated and the variant's runners (compiled once per
combination of conditions) run. Anything out of the ordinary, an error of any kind included, gives the request back to
the reference path (`None`), which reports it as it always does: reads have no side effects, so that is always safe,
and the answers (errors too) stay the reference's.
"""

from __future__ import annotations

import asyncio
import operator
import hashlib
import time
from math import isfinite
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLString,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    is_leaf_type,
    validate,
)
from prometheus_client import Counter

from umkm_graph.graphql_engine.compat import VariableValues, get_argument_values, get_variable_values
from umkm_graph.graphql_engine.compiled_selection import (
    Condition,
    Field,
    NotCompilable,
    Occurrence,
    conditions_of,
    flatten,
    grouped,
    holds,
)
from umkm_graph.graphql_engine.limits import QueryLimits, variables_problem
from umkm_graph.observability import record_operation

Runner = Callable[[dict[str, Any], Any], Awaitable[Any]]
"""A root field's compiled answer: (its coerced arguments, the request's context) -> the field's value, as JSON data.
It raises (anything) to give the request back to the reference path."""
RootCompiler = Callable[[Field], Runner | None]
"""Compiles one root field as a request selects it; None when its selection is not one it covers."""
RootCompilers = Mapping[str, RootCompiler]
"""By the name of a Query field."""

COMPILED = Counter("umkm_compiled_documents_total", "Operations by how they ran: compiled, or on the reference path "
                   "(not compilable, or given back at request time)", ["outcome"])
_VARIANTS_KEPT = 32  # combinations of @include/@skip conditions kept per document
_COSTS_KEPT = 64  # variables' costs kept per document


@dataclass
class _Plan:
    document: DocumentNode
    operation: OperationDefinitionNode
    roots: tuple[Occurrence, ...]
    conditions: list[Condition]
    variants: dict[tuple[bool, ...], tuple[tuple[str, Field, Runner | None], ...] | None] = field(default_factory=dict)
    costs: dict[tuple[str | None, tuple[tuple[str, object], ...]], Any] = field(default_factory=dict)  # by variables


class CompiledDocuments:
    """The plans of one schema, and running them."""

    def __init__(self, schema: GraphQLSchema, limits: QueryLimits, compilers: RootCompilers,
                 max_plans: int = 1_000) -> None:
        self.schema = schema
        self.limits = limits
        self.compilers = compilers
        self.max_plans = max_plans
        self.plans: OrderedDict[tuple[bytes, str | None], _Plan | None] = OrderedDict()  # by the document's sha256

    def plan(self, query: str, operation_name: str | None) -> _Plan | None:
        key = (hashlib.sha256(query.encode()).digest(), operation_name)
        if key in self.plans:
            self.plans.move_to_end(key)
            return self.plans[key]
        try:
            found: _Plan | None = self._compile(query, operation_name)
        except (NotCompilable, GraphQLError):
            found = None
        self.plans[key] = found
        while len(self.plans) > self.max_plans:
            self.plans.popitem(last=False)
        return found

    def _compile(self, query: str, operation_name: str | None) -> _Plan | None:
        document = self.limits.guard.document(self.schema, query, self.limits.settings.max_query_tokens)
        if validate(self.schema, document):
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [o for o in operations if (operation_name is None and len(operations) == 1)
                  or (o.name is not None and o.name.value == operation_name)]
        if len(chosen) != 1 or chosen[0].operation != OperationType.QUERY or self.schema.query_type is None:
            return None
        operation = chosen[0]
        if operation.directives:
            return None
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        roots = flatten(self.schema.query_type, operation.selection_set, fragments)  # type: ignore[arg-type]
        if not roots or any(o.definition is not None and o.node.name.value not in self.compilers for o in roots):
            return None
        return _Plan(document, operation, roots, conditions_of(roots))

    def _variant(self, plan: _Plan, variables: Mapping[str, Any]) -> tuple[tuple[str, Field, Runner | None], ...] | None:
        truths = tuple(holds(condition, variables) for condition in plan.conditions)
        if truths in plan.variants:
            return plan.variants[truths]
        fields = grouped(self.schema.query_type, plan.roots, dict(zip(plan.conditions, truths)))  # type: ignore[arg-type]
        compiled: list[tuple[str, Field, Runner | None]] = []
        for one in fields:
            runner = None if one.definition is None else self.compilers[one.name](one)
            if one.definition is not None and runner is None:
                compiled = []
                break
            compiled.append((one.response_name, one, runner))
        variant = tuple(compiled) if compiled or not fields else None
        if len(plan.variants) >= _VARIANTS_KEPT:
            plan.variants.clear()
        plan.variants[truths] = variant
        return variant

    async def execute(self, query: str | None, operation_name: str | None, variables: object,
                      context: Any) -> dict[str, Any] | None:
        """The operation's data, answered by its plan; None when the reference path must answer it."""
        if not isinstance(query, str) or not any(name in query for name in self.compilers):
            return None  # cheaply: no root field this compiler covers
        plan = self.plan(query, operation_name)
        if plan is None:
            COMPILED.labels("not_compilable").inc()
            return None
        started = time.perf_counter()
        try:
            data = await self._run(plan, operation_name, variables, context)
        except Exception:  # noqa: BLE001 - the reference path answers it, and reports any error as it always does
            data = None
        COMPILED.labels("given_back" if data is None else "compiled").inc()
        if data is not None:
            record_operation(operation_name or _name(plan.operation), time.perf_counter() - started)
        return data

    def _cost(self, plan: _Plan, asked_name: str | None, inputs: dict[str, Any]) -> Any:
        """The operation's cost for these variables: worked out on the document as the reference path does, and kept
        per plan for variables of plain values (a page size, a category), which is what a storefront sends."""
        try:
            key = (asked_name, tuple(sorted(inputs.items())))
            hash(key)
        except TypeError:  # a list or an object among the variables
            return self.limits.cost(self.schema, plan.document, asked_name, inputs)
        known = plan.costs.get(key)
        if known is None:
            if len(plan.costs) >= _COSTS_KEPT:
                plan.costs.clear()
            known = plan.costs[key] = self.limits.cost(self.schema, plan.document, asked_name, inputs)
        return known

    async def _run(self, plan: _Plan, asked_name: str | None, variables: object, context: Any) -> dict[str, Any] | None:
        if variables is not None and not isinstance(variables, dict):
            return None
        inputs = variables or {}
        if variables_problem(inputs) is not None:
            return None
        coerced = get_variable_values(self.schema, plan.operation.variable_definitions or [], inputs)
        if not isinstance(coerced, VariableValues):  # errors
            return None
        limits = self.limits
        cost = self._cost(plan, asked_name, inputs)
        budget = limits.floor(self.schema, plan.document, asked_name, await limits.budget(context))
        if limits.problem(cost, budget, "this operation") is not None:
            return None
        variant = self._variant(plan, coerced.coerced)
        if variant is None:
            return None
        typename = self.schema.query_type.name  # type: ignore[union-attr]
        arguments = [(runner, get_argument_values(one.definition, one.node, coerced))  # type: ignore[arg-type]
                     for _, one, runner in variant if runner is not None]
        answers = iter(await asyncio.gather(*(runner(given, context) for runner, given in arguments)))
        return {response_name: typename if runner is None else next(answers) for response_name, _, runner in variant}


_BUILT_IN = {t.name: t.serialize for t in (GraphQLString, GraphQLID, GraphQLInt, GraphQLFloat, GraphQLBoolean)}
# The Python type whose values a built-in scalar's serialize gives back unchanged (graphql.type.scalars; an int within
# GraphQL's range, a finite float): checked first, cheaply.
_AS_IS: dict[str, type] = {"String": str, "ID": str, "Boolean": bool, "Int": int, "Float": float}


def _name(operation: OperationDefinitionNode) -> str | None:
    return operation.name.value if operation.name else None


class GiveUp(Exception):
    """Raised by a runner: this request goes to the reference path after all."""


def leaf_completion(output: GraphQLOutputType) -> Callable[[Any], Any] | None:
    """How graphql-core completes a value of this leaf type (or list of them): the scalar's or enum's serialize; a null
    where the type forbids one, or a value it refuses, raises GiveUp (the reference path reports it). None when the
    type is not a leaf or a list of leaves."""
    non_null = isinstance(output, GraphQLNonNull)
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    if isinstance(inner, GraphQLList):
        item = leaf_completion(inner.of_type)
        if item is None:
            return None

        def complete_list(value: Any) -> Any:
            if value is None:
                if non_null:
                    raise GiveUp
                return None
            if not isinstance(value, (list, tuple)):
                raise GiveUp
            return [item(each) for each in value]

        return complete_list
    if not is_leaf_type(inner):
        return None
    serialize = inner.serialize  # type: ignore[union-attr]
    as_is = _AS_IS.get(inner.name) if inner.serialize is _BUILT_IN.get(inner.name) else None

    def complete(value: Any) -> Any:
        if type(value) is as_is and (as_is is not int or GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT) and \
                (as_is is not float or isfinite(value)):
            return value  # what the built-in scalar's serialize would give back unchanged
        if value is None:
            if non_null:
                raise GiveUp
            return None
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise GiveUp
        return serialized

    return complete


def as_is_type(output: GraphQLOutputType) -> type | None:
    """The Python type whose values this built-in scalar type (or its non-null form) answers unchanged, if it is one."""
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    name = getattr(inner, "name", None)
    return _AS_IS.get(name) if name is not None and getattr(inner, "serialize", None) is _BUILT_IN.get(name) else None


@dataclass(frozen=True)
class Step:
    """One response name of an object's answer: a constant, a column read as it is, or answer(source); then, unless
    it is a constant, completed (`complete`, skipped for a value of the `as_is` type)."""

    response_name: str
    constant: str | None = None
    column: str | None = None
    answer: Callable[[Any], Any] | None = None
    complete: Callable[[Any], Any] | None = None
    as_is: type | None = None


# Whether the value just read (assigned to v by the check itself) is answered as it is.
_CHECKS = {str: "type(v := {read}) is str", bool: "type(v := {read}) is bool",
           float: "type(v := {read}) is float and isfinite(v)",
           int: "type(v := {read}) is int and " + f"{GRAPHQL_MIN_INT} <= v <= {GRAPHQL_MAX_INT}"}


def projection(steps: list[Step]) -> Callable[[Any], dict[str, Any]]:
    """One function that answers an object for these steps, written out as Python source once per plan (a dict display
    of reads, with the cheap as-is check inline), so a row costs one call rather than a few per field."""
    names: dict[str, Any] = {"isfinite": isfinite}
    entries = []
    for i, step in enumerate(steps):
        key = repr(step.response_name)
        if step.constant is not None:
            entries.append(f"{key}: {step.constant!r}")
            continue
        if step.column is not None and step.column.isidentifier():
            read = f"source.{step.column}"
        else:
            names[f"a{i}"] = step.answer if step.column is None else operator.attrgetter(step.column)
            read = f"a{i}(source)"
        names[f"c{i}"] = step.complete
        check = _CHECKS.get(step.as_is) if step.as_is is not None else None
        entries.append(f"{key}: (v if {check.format(read=read)} else c{i}(v))" if check else f"{key}: c{i}({read})")
    source = "def project(source):\n    return {" + ", ".join(entries) + "}\n"
    exec(compile(source, "<compiled projection>", "exec"), names)  # noqa: S102 - our own source, of checked names
    return names["project"]  # type: ignore[no-any-return]

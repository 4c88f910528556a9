"""The checks a document passes before validation, each linear in its size: length, bracket nesting and tokens while
lexing (so the recursive parser never sees a hostile document), then fragments (known, acyclic, not chained too far,
not expanding past a size), one field repeated too often, and strawberry's QueryDepthLimiter and MaxAliasesLimiter.

Strawberry's limiters run only on documents this has bounded: alone, they walk every path through the fragments
(exponential for fragments that spread each other twice) and fail on an unknown fragment.
"""

from __future__ import annotations

import functools
from collections import Counter

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    parse,
    validate,
)
from graphql.language import Lexer, TokenKind
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from umkm_graph.settings import Settings

# Beyond the selection depth, brackets may nest this much more in argument values (input objects, lists).
VALUE_NESTING = 8
# One response name may appear this often at one level (fragments that share fields); graphql-core compares each pair.
MAX_REPEATS_OF_A_FIELD = 20
# The fields of a document with its fragments expanded, per token allowed.
EXPANDED_FIELDS_PER_TOKEN = 3
# Characters of a document per token allowed: lexing a huge string literal costs as much as parsing many tokens.
CHARS_PER_TOKEN = 50
# Longer documents are parsed every time rather than cached.
CACHED_QUERY_CHARS = 20_000
_TOKEN_LIMIT = "Document contains more than"
UNSTORABLE = "Text must not contain the NUL character (U+0000) or unpaired surrogates"


def limit_error(code: str, message: str, **extra: object) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extra})


def unstorable(text: str) -> bool:
    """Text no database column can hold: a NUL character (PostgreSQL refuses it) or half a surrogate pair."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class DocumentGuard:
    """Parses a document and checks it before validation, each step linear in its size; a document that passes is
    cached (the parse cache of this schema: it replaces strawberry's ParserCache)."""

    def __init__(self, settings: Settings) -> None:
        self.max_depth = settings.max_query_depth
        self.max_nesting = settings.max_query_depth + VALUE_NESTING
        self.max_expanded = settings.max_query_tokens * EXPANDED_FIELDS_PER_TOKEN
        self.max_chars = settings.max_query_tokens * CHARS_PER_TOKEN
        # Built once, so that their rule classes stay the same (strawberry makes a new class per instance).
        self.depth_rules = QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules
        self.alias_rules = MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules
        self._cached = functools.lru_cache(maxsize=256)(self._document)

    def document(self, schema: GraphQLSchema, query: str, max_tokens: int) -> DocumentNode:
        if len(query) > CACHED_QUERY_CHARS:  # giant literals would make the cache hold megabytes
            return self._document(schema, query, max_tokens)
        return self._cached(schema, query, max_tokens)

    def _document(self, schema: GraphQLSchema, query: str, max_tokens: int) -> DocumentNode:
        try:
            self._check_nesting(query, max_tokens)
            document = parse(query, max_tokens=max_tokens)
            _Expansion(document, self.max_expanded, self.max_nesting).check()
        except GraphQLSyntaxError as error:
            code = "TOO_MANY_TOKENS" if _TOKEN_LIMIT in error.message else "GRAPHQL_PARSE_FAILED"
            raise GraphQLError(error.message, source=error.source, positions=error.positions,
                               extensions={"code": code}) from None
        except RecursionError:  # the nesting checks above should make this unreachable
            raise limit_error("QUERY_TOO_DEEP", "The document nests too deeply") from None
        for rules, code in ((self.depth_rules, "QUERY_TOO_DEEP"), (self.alias_rules, "TOO_MANY_ALIASES")):
            errors = validate(schema, document, rules)
            if errors:
                raise GraphQLError(errors[0].message, nodes=errors[0].nodes, extensions={"code": code})
        return document

    def _check_nesting(self, query: str, max_tokens: int) -> None:
        """Refuse a document that is too long, or whose brackets nest deeper than any allowed query needs, before the
        (recursive, and slower) parser sees it. MaxTokensLimiter makes the parser count tokens too."""
        if len(query) > self.max_chars:
            raise limit_error("QUERY_TOO_LARGE", f"The document has {len(query):,} characters; at most "
                              f"{self.max_chars:,} are allowed (send long values as variables)")
        lexer = Lexer(Source(query))
        depth = 0
        for _ in range(max_tokens):
            token = lexer.advance()
            if token.kind == TokenKind.EOF:
                return
            if token.kind in (TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L):
                depth += 1
                if depth > self.max_nesting:
                    raise limit_error("QUERY_TOO_DEEP", f"The document nests brackets more than {self.max_nesting} "
                                      f"deep; queries may select at most {self.max_depth} levels deep")
            elif token.kind in (TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R):
                depth -= 1
            elif token.kind in (TokenKind.STRING, TokenKind.BLOCK_STRING) and unstorable(token.value or ""):
                raise limit_error("BAD_USER_INPUT", UNSTORABLE)
        if lexer.advance().kind != TokenKind.EOF:
            raise limit_error("TOO_MANY_TOKENS", f"The document contains more than {max_tokens} tokens; send a "
                              "smaller query")


class _Expansion:
    """Fragments must exist, not cycle and not spread each other more than max_chain deep; with every fragment expanded,
    the document stays within max_fields, and no response name repeats more than MAX_REPEATS_OF_A_FIELD times at one
    level. Each fragment is measured once."""

    def __init__(self, document: DocumentNode, max_fields: int, max_chain: int) -> None:
        self.max_fields = max_fields
        self.max_chain = max_chain
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        self.sizes: dict[str, int] = {}
        self.names: dict[str, Counter[str]] = {}
        self.open: list[str] = []  # fragments being measured, to see a cycle

    def check(self) -> None:
        total = 0
        for operation in self.operations:
            total += self.size(operation.selection_set)
            self.over(total)
        for name in self.fragments:  # unused fragments too: validation walks them all
            self.fragment_size(name)

    def over(self, size: int) -> None:
        if size > self.max_fields:
            raise limit_error("QUERY_TOO_LARGE", f"The document selects more than {self.max_fields} fields once its "
                              "fragments are expanded; ask for less in one request")

    def size(self, selection_set: SelectionSetNode) -> int:
        self.too_repeated(self.level_names(selection_set))
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + (self.size(selection.selection_set) if selection.selection_set else 0)
            elif isinstance(selection, InlineFragmentNode):
                total += self.size(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_size(selection.name.value, selection)
            self.over(total)
        return total

    def fragment_size(self, name: str, spread: FragmentSpreadNode | None = None) -> int:
        if name in self.sizes:
            return self.sizes[name]
        fragment = self.fragments.get(name)
        if fragment is None:
            raise GraphQLError(f"Unknown fragment '{name}'.", nodes=spread,
                               extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
        if name in self.open:
            path = " -> ".join([*self.open[self.open.index(name):], name])
            raise GraphQLError(f"Cannot spread fragment '{name}' within itself: {path}.", nodes=spread,
                               extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
        if len(self.open) >= self.max_chain:
            raise limit_error("QUERY_TOO_DEEP", f"Fragments spread each other more than {self.max_chain} deep")
        self.open.append(name)
        self.sizes[name] = self.size(fragment.selection_set)
        self.open.pop()
        return self.sizes[name]

    def level_names(self, selection_set: SelectionSetNode) -> Counter[str]:
        """The response names selected at this level, through inline fragments and spreads (each fragment once)."""
        names: Counter[str] = Counter()
        spread: set[str] = set()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                names.update(self.level_names(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread.add(selection.name.value)
                names.update(self.fragment_names(selection.name.value, selection))
            self.too_repeated(names)
        return names

    def fragment_names(self, name: str, spread: FragmentSpreadNode) -> Counter[str]:
        if name not in self.names:
            self.fragment_size(name, spread)  # reports an unknown fragment, a cycle or a long chain first
            self.names[name] = self.level_names(self.fragments[name].selection_set)
        return self.names[name]

    @staticmethod
    def too_repeated(names: Counter[str]) -> None:
        if names and (top := names.most_common(1)[0])[1] > MAX_REPEATS_OF_A_FIELD:
            raise limit_error("QUERY_TOO_LARGE", f"'{top[0]}' is selected {top[1]} times at one level; at most "
                              f"{MAX_REPEATS_OF_A_FIELD} are allowed")

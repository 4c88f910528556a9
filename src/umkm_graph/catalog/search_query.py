"""A search as the databases run it: what was typed, read against the vocabulary (each word exact, as a prefix, or
corrected for a typo), and the WHERE and relevance SQL that PostgreSQL (tsvector, pg_trgm) and SQLite (FTS5) share."""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.catalog.search_text import Size, analyse, similarity, trigrams

CORRECTION_SIMILARITY = 0.35  # a typo is corrected to a vocabulary word this alike (pg_trgm's measure)
SUGGESTION_SIMILARITY = 0.3  # "did you mean" offers words this alike (pg_trgm's own default threshold)
CORRECTIONS_PER_WORD = 3
MIN_PREFIX = 3  # "ber" finds "beras"; "be" would find half the catalogue


class Sql:
    """SQL text with its parameters, in the placeholders of the database at hand."""

    def __init__(self, client: BaseDBAsyncClient) -> None:
        self.postgres = client.capabilities.dialect == "postgres"
        self.params: list[object] = []

    def param(self, value: object) -> str:
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else "?"


@dataclass
class Term:
    """One word of a query and the vocabulary words it stands for."""

    word: str
    known: bool  # a word some listing uses
    corrections: list[str] = field(default_factory=list)
    completions: list[str] = field(default_factory=list)  # vocabulary words it begins (a prefix, as typed so far)
    suggestion: str | None = None  # the likeliest word meant, for "did you mean"

    @property
    def alternatives(self) -> list[str]:
        """The words a listing may use for it. A prefix is spelt out as the vocabulary words it begins: the index
        then reads each word's short list of listings instead of merging every list under the prefix (FTS5 reads
        those whole, ten times slower for "minyak*" at 100,000 products)."""
        return [self.word, *self.corrections, *self.completions]

    @property
    def prefix(self) -> bool:
        return len(self.word) >= MIN_PREFIX


@dataclass
class Query:
    terms: list[Term]
    sizes: list[Size]
    categories: list[str]

    @property
    def empty(self) -> bool:
        return not (self.terms or self.sizes or self.categories)

    def suggestion(self) -> str | None:
        """The query with each unknown word replaced by its likeliest vocabulary word; None when nothing changes."""
        if all(term.known or term.suggestion is None for term in self.terms):
            return None
        return " ".join(term.word if term.known or term.suggestion is None else term.suggestion for term in self.terms)


async def understand(client: BaseDBAsyncClient, text: str) -> Query:
    """The query's words, sizes and categories, each word looked up in the vocabulary in one statement."""
    analysed = analyse(text, query=True)
    words = analysed.words
    vocabulary = await _candidates(client, words) if words else set()
    terms = []
    for word in words:
        alike = sorted(((similarity(word, c), c) for c in vocabulary if c != word), key=lambda pair: (-pair[0], pair[1]))
        term = Term(word, known=word in vocabulary)
        if term.prefix:
            term.completions = sorted(c for c in vocabulary if c.startswith(word) and c != word)
        if not term.known:
            term.corrections = [c for score, c in alike if score >= CORRECTION_SIMILARITY][:CORRECTIONS_PER_WORD]
            term.suggestion = next((c for score, c in alike if score >= SUGGESTION_SIMILARITY), None)
        terms.append(term)
    return Query(terms, analysed.sizes, analysed.categories)


async def _candidates(client: BaseDBAsyncClient, words: list[str]) -> set[str]:
    """Vocabulary words equal to, beginning with, or sharing trigrams with the query's words, through each database's
    trigram index. The similarity that decides is then worked out alike for both (search_text.similarity)."""
    sql = Sql(client)
    if sql.postgres:
        alike = " OR ".join(f"word % unaccent({sql.param(w)}) OR word LIKE {sql.param(w + '%')}" for w in words)
        text = f"SELECT word FROM search_words WHERE word IN ({', '.join(sql.param(w) for w in words)}) OR {alike}"
    else:
        grams = sorted({gram for w in words for gram in trigrams(w) if " " not in gram})
        # pg_trgm's padded trigrams are a word's first two letters and its last two: the same words by LIKE
        ends = " OR ".join(f"word LIKE {sql.param(w[:2] + '%')} OR word LIKE {sql.param('%' + w[-2:])}" for w in words)
        text = f"SELECT word FROM search_words WHERE word IN ({', '.join(sql.param(w) for w in words)}) OR {ends}"
        if grams:
            match = " OR ".join(f'"{gram}"' for gram in grams)
            text += f" UNION SELECT word FROM search_words_trigrams WHERE search_words_trigrams MATCH {sql.param(match)}"
    _, rows = await client.execute_query(text, sql.params)
    return {tuple(row)[0] for row in rows}


def fts_drives(sql: Sql, query: Query) -> bool:
    """Whether the statement reads SQLite's FTS5 table first (joined as product_search_fts), matching the query's words
    in its own rowid order, so that a LIMIT stops the index early."""
    return not sql.postgres and bool(query.terms)


def match_condition(sql: Sql, query: Query) -> list[str]:
    """The conditions a product's search row `ps` (and the product `p`; on SQLite with words, the FTS5 table
    product_search_fts, see fts_drives) meets for this query."""
    conditions = []
    if query.terms:
        if sql.postgres:
            tsquery = " & ".join("(" + " | ".join(t.alternatives) + ")" for t in query.terms)
            conditions.append(f"ps.document @@ to_tsquery('simple', {sql.param(tsquery)})")
        else:
            fts = " AND ".join("(" + " OR ".join(f'"{w}"' for w in t.alternatives) + ")" for t in query.terms)
            conditions.append(f"product_search_fts MATCH {sql.param(fts)}")  # the FTS5 table joined first (fts_drives)
    if query.sizes:
        sizes = [f"ps.{'grams' if s.measure == 'g' else 'millilitres'} = {sql.param(s.amount)}" for s in query.sizes]
        conditions.append("(" + " OR ".join(sizes) + ")")
    if query.categories:
        slugs = ", ".join(sql.param(slug) for slug in query.categories)
        conditions.append(f"p.category_id IN (SELECT c.id FROM categories c LEFT JOIN categories up ON up.id = c.parent_id"
                          f" WHERE c.slug IN ({slugs}) OR up.slug IN ({', '.join(sql.param(s) for s in query.categories)}))")
    return conditions


# What a query word scores where it is found: the name ranks above the description, the word as typed above a
# correction or a prefix. The same integers on both databases, so both rank alike; the product id breaks ties.
NAME_EXACT, NAME_CORRECTED, NAME_PREFIX, TEXT_EXACT, ELSEWHERE = 8, 6, 5, 3, 1


def relevance(sql: Sql, query: Query) -> str:
    """An integer expression: the sum, over the query's words, of where each is found (a plain substring test: the
    words are letters and digits, spaced; cheaper than LIKE over each candidate)."""
    if not query.terms:
        return "0"
    name, text = "(' ' || ps.name_words || ' ')", "(' ' || ps.words || ' ')"
    within = "strpos({0}, {1}) > 0" if sql.postgres else "instr({0}, {1}) > 0"
    parts = []
    for term in query.terms:
        cases = [f"WHEN {within.format(name, sql.param(f' {term.word} '))} THEN {NAME_EXACT}"]
        cases += [f"WHEN {within.format(name, sql.param(f' {c} '))} THEN {NAME_CORRECTED}" for c in term.corrections]
        if term.prefix:
            cases.append(f"WHEN {within.format(name, sql.param(f' {term.word}'))} THEN {NAME_PREFIX}")
        cases.append(f"WHEN {within.format(text, sql.param(f' {term.word} '))} THEN {TEXT_EXACT}")
        parts.append(f"(CASE {' '.join(cases)} ELSE {ELSEWHERE} END)")
    return " + ".join(parts)

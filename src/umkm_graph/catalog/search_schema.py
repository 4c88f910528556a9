"""The search indexes each database builds over product_search and search_words (tables of catalog/models.py):
PostgreSQL full-text search (a tsvector column, GIN) with pg_trgm and unaccent; SQLite FTS5 tables, word-level for
products and trigram for the vocabulary, kept in step by triggers, so in the writer's own transaction."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE product_search ADD COLUMN IF NOT EXISTS document tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED",
    "CREATE INDEX IF NOT EXISTS product_search_document ON product_search USING GIN (document)",
    "CREATE INDEX IF NOT EXISTS search_words_trigrams ON search_words USING GIN (word gin_trgm_ops)",
)
# FTS5 tables whose content is another table's: the triggers copy each change, inside the statement that made it.
SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_search_fts USING fts5(words, content='product_search',"
    " content_rowid='product_id')",
    "CREATE TRIGGER IF NOT EXISTS product_search_added AFTER INSERT ON product_search BEGIN"
    " INSERT INTO product_search_fts(rowid, words) VALUES (new.product_id, new.words); END",
    "CREATE TRIGGER IF NOT EXISTS product_search_removed AFTER DELETE ON product_search BEGIN"
    " INSERT INTO product_search_fts(product_search_fts, rowid, words) VALUES ('delete', old.product_id, old.words); END",
    "CREATE TRIGGER IF NOT EXISTS product_search_changed AFTER UPDATE ON product_search BEGIN"
    " INSERT INTO product_search_fts(product_search_fts, rowid, words) VALUES ('delete', old.product_id, old.words);"
    " INSERT INTO product_search_fts(rowid, words) VALUES (new.product_id, new.words); END",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_words_trigrams USING fts5(word, content='search_words',"
    " tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_words_added AFTER INSERT ON search_words BEGIN"
    " INSERT INTO search_words_trigrams(rowid, word) VALUES (new.rowid, new.word); END",
    "CREATE TRIGGER IF NOT EXISTS search_words_removed AFTER DELETE ON search_words BEGIN"
    " INSERT INTO search_words_trigrams(search_words_trigrams, rowid, word) VALUES ('delete', old.rowid, old.word); END",
)
# The FTS5 tables and the tables SQLite keeps for them, which no model describes.
SQLITE_INDEX_TABLES = frozenset(
    f"{name}{part}" for name in ("product_search_fts", "search_words_trigrams")
    for part in ("", "_data", "_idx", "_docsize", "_config"))


async def create_search_indexes(client: BaseDBAsyncClient) -> None:
    """Build the indexes over the search tables (which must exist); safe to repeat."""
    for statement in POSTGRES if client.capabilities.dialect == "postgres" else SQLITE:
        await client.execute_script(statement)

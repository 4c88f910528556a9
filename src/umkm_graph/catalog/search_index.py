"""Writing products' search documents (product_search) and the vocabulary (search_words): for one product in its own
transaction, or for every product at once (migration 0009, and tables filled by bulk inserts, as the benchmark does)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.catalog.models import Category, Product, ProductSearch, ProductUnit
from umkm_graph.catalog.search_text import MAX_WORD_LENGTH, analyse
from umkm_graph.core.orm_compat import connection_of

BATCH = 2_000  # documents per statement when rebuilding


@dataclass(frozen=True)
class Document:
    product_id: int
    name_words: str
    words: str
    grams: int | None
    millilitres: int | None

    def row(self) -> tuple[Any, ...]:
        return self.product_id, self.name_words, self.words, self.grams, self.millilitres


def document_of(product_id: int, name: str, description: str, category: str, unit: str, pack_size: Decimal | float | str,
                net_weight_grams: int | None) -> Document:
    """What search reads of a listing. The pack's size comes from its unit ("Beras 5 kg", unit KG, pack 5: 5000 g),
    its net weight, or else a size its name states."""
    named = analyse(name, query=False)
    rest = analyse(f"{description} {category}", query=False)
    words = named.words + [word for word in rest.words if word not in named.words]
    grams = millilitres = None
    size = Decimal(str(pack_size))
    if unit == ProductUnit.KG.value:
        grams = int(size * 1000)
    elif unit == ProductUnit.LITRE.value:
        millilitres = int(size * 1000)
    elif net_weight_grams:
        grams = net_weight_grams
    elif named.sizes:
        grams = next((s.amount for s in named.sizes if s.measure == "g"), None)
        millilitres = next((s.amount for s in named.sizes if s.measure == "ml"), None)
    return Document(product_id, " ".join(named.words), " ".join(words), grams, millilitres)


def _vocabulary(documents: Iterable[Document]) -> list[str]:
    return sorted({word for d in documents for word in d.words.split() if len(word) <= MAX_WORD_LENGTH})


async def index_product(product: Product) -> None:
    """Write the product's document and its new words; call it inside the transaction that changed the product."""
    category = await Category.get(id=product.category_id)  # type: ignore[attr-defined]
    document = document_of(product.id, product.name, product.description, category.name, product.unit.value,
                           product.pack_size, product.net_weight_grams)
    await ProductSearch.update_or_create(
        product_id=product.id, defaults={"name_words": document.name_words, "words": document.words,
                                         "grams": document.grams, "millilitres": document.millilitres})
    await _add_words(connection_of(Product), _vocabulary([document]))


def _placeholders(client: BaseDBAsyncClient, rows: int, columns: int) -> str:
    postgres = client.capabilities.dialect == "postgres"
    marks = iter(range(1, rows * columns + 1))
    return ", ".join("(" + ", ".join(f"${next(marks)}" if postgres else "?" for _ in range(columns)) + ")"
                     for _ in range(rows))


async def _add_words(client: BaseDBAsyncClient, words: Sequence[str]) -> None:
    for start in range(0, len(words), BATCH):
        chunk = words[start:start + BATCH]
        await client.execute_query(f"INSERT INTO search_words (word) VALUES {_placeholders(client, len(chunk), 1)}"
                                   " ON CONFLICT (word) DO NOTHING", list(chunk))


async def rebuild_search_index(client: BaseDBAsyncClient) -> int:
    """Every product's document written afresh (and every word), in batches; the number of products."""
    _, rows = await client.execute_query(
        "SELECT p.id, p.name, p.description, c.name, p.unit, p.pack_size, p.net_weight_grams"
        " FROM products p JOIN categories c ON c.id = p.category_id ORDER BY p.id")
    documents = [document_of(*tuple(row)) for row in rows]
    await client.execute_query("DELETE FROM product_search")
    for start in range(0, len(documents), BATCH):
        chunk = documents[start:start + BATCH]
        values = [value for d in chunk for value in d.row()]
        await client.execute_query("INSERT INTO product_search (product_id, name_words, words, grams, millilitres)"
                                   f" VALUES {_placeholders(client, len(chunk), 5)}", values)
    await _add_words(client, _vocabulary(documents))
    return len(documents)

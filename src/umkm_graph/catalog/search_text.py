"""What catalog search reads in a text: words folded and stemmed (Sastrawi), synonyms and category words from data, and
pack sizes as people write them ("5kg", "5 kilo", "1L", "2 liter"). Listings and queries go through the same steps."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from umkm_graph.settings import Settings

WORDS_FILE = Path(__file__).with_name("data") / "search_words.toml"
MAX_WORD_LENGTH = 40  # longer "words" are pasted junk: they neither index nor search
# A number and a unit: grams of weight or millilitres of volume per unit.
_UNITS = {"kg": ("g", 1000), "kilo": ("g", 1000), "kilogram": ("g", 1000), "g": ("g", 1), "gr": ("g", 1),
          "gram": ("g", 1), "ons": ("g", 100), "l": ("ml", 1000), "lt": ("ml", 1000), "ltr": ("ml", 1000),
          "liter": ("ml", 1000), "litre": ("ml", 1000), "ml": ("ml", 1)}
_SIZE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SearchWords:
    """The data of search_words.toml (and the city's file): synonyms, category words, stop words."""

    synonyms: dict[str, str]
    categories: dict[str, str]
    stop_words: frozenset[str]


@dataclass(frozen=True)
class Size:
    """A pack size: `amount` grams (weight) or millilitres (volume)."""

    measure: str  # "g" or "ml"
    amount: int


@dataclass
class Analysed:
    """A text read for search: its stemmed words (in order, repeats kept out), the sizes it names, the categories."""

    words: list[str] = field(default_factory=list)
    sizes: list[Size] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def _read(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def search_words() -> SearchWords:
    """The embedded list, then the file UMKM_SEARCH_WORDS_FILE names (its entries win); read once per process."""
    tables = [_read(WORDS_FILE)]
    extra = Settings.from_env().search_words_file
    if extra:
        tables.append(_read(Path(extra)))
    synonyms: dict[str, str] = {}
    categories: dict[str, str] = {}
    stop: set[str] = set()
    for table in tables:
        synonyms.update({fold(k): str(v) for k, v in dict(table.get("synonyms", {})).items()})  # type: ignore[call-overload]
        categories.update({fold(k): str(v) for k, v in dict(table.get("categories", {})).items()})  # type: ignore[call-overload]
        stop.update(fold(word) for word in dict(table.get("stop_words", {})).get("words", []))  # type: ignore[call-overload]
    return SearchWords(synonyms, categories, frozenset(stop))


def fold(text: str) -> str:
    """Lower case without accents ("Kafé" is "kafe"), so that what is typed and what is listed compare."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _stemmer() -> object:
    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The word without its Indonesian affixes (penggorengan -> goreng, kemasan -> kemas); numbers as they are."""
    if word.isdigit():
        return word
    return _stemmer().stem(word) or word  # type: ignore[attr-defined, no-any-return]


def sizes_in(text: str) -> tuple[list[Size], str]:
    """The pack sizes a folded text names, and the text without them."""
    found: list[Size] = []

    def take(match: re.Match[str]) -> str:
        measure, factor = _UNITS[match.group(2)]
        try:
            amount = Decimal(match.group(1).replace(",", ".")) * factor
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return " "
        if amount == amount.to_integral_value() and 0 < amount <= 10_000_000:
            found.append(Size(measure, int(amount)))
        return " "

    return found, _SIZE.sub(take, text)


def analyse(text: str, *, query: bool) -> Analysed:
    """A listing's or a query's words: sizes taken out, synonyms replaced by the words listings use, stop words and
    bare numbers dropped, each word stemmed. In a query a category word becomes a category (in a listing, a word)."""
    words = search_words()
    result = Analysed()
    result.sizes, rest = sizes_in(fold(text))
    for token in _WORD.findall(rest):
        if query and token in words.categories:
            result.categories.append(words.categories[token])
            continue
        for word in _WORD.findall(fold(words.synonyms.get(token, token))):
            if word in words.stop_words or word.isdigit() or len(word) > MAX_WORD_LENGTH:
                continue
            stemmed = stem(word)
            if stemmed not in result.words:
                result.words.append(stemmed)
    return result


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word (padded: two spaces before, one after), so both databases judge alike."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of the two words."""
    left, right = trigrams(a), trigrams(b)
    return len(left & right) / len(left | right)

"""The texts people read, in Bahasa Indonesia by default and English on request: gettext catalogues (.po, read with
Babel) under locales/<language>/LC_MESSAGES/<domain>.po, and the request's language from Accept-Language. The
"errors" domain has one text per error code; other domains (notification texts) join the same folder."""

from __future__ import annotations

import functools
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("id", "en")  # the first is the default
DEFAULT_LANGUAGE = LANGUAGES[0]


@functools.cache
def catalog(domain: str, language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def text(domain: str, message_id: str, language: str) -> str | None:
    """The catalogue's text for message_id in language (the default language when that has none)."""
    for lang in dict.fromkeys((language, DEFAULT_LANGUAGE)):
        message = catalog(domain, lang).get(message_id)
        if message is not None and message.string:
            return str(message.string)
    return None


def language_of(accept_language: str | None) -> str:
    """The best of LANGUAGES for an Accept-Language header ("en-US,en;q=0.8"), or the default."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    preferred = [tag for _, _, tag in sorted(ranked)]
    preferred += [tag.split("-")[0] for tag in preferred]  # en-GB asks for en too
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or DEFAULT_LANGUAGE

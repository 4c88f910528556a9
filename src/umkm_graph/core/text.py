"""Text people type, made safe to check, store and show: identity numbers in ASCII digits, names and other free text
without invisible or direction-changing characters.

    ascii_digits(raw, separators)   NFKC, every Unicode decimal digit to its ASCII digit, separators dropped; what is
                                    left (zero-width characters too) is checked by the caller against [0-9]
    clean_text(check, field, raw, label=..., max_length=...)
                                    refuses bidi embedding/override/isolate controls and control characters, strips
                                    zero-width ones, refuses text that is empty once they are gone; returns it cleaned
"""

from __future__ import annotations

import unicodedata

from umkm_graph.core.errors import Validator

# Embedding, override and isolate controls: they reorder what follows them on screen (U+202E shows "gpj.exe" as
# "exe.jpg"), so text holding them is refused rather than silently changed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Joiners and selectors that belong to the visible character before them (emoji sequences, Indic and Persian
# shaping): kept when they follow a visible character, dropped otherwise.
_ATTACHED = frozenset("\u200c\u200d\u034f") | frozenset(map(chr, range(0xFE00, 0xFE10)))
# Characters that show as blank but are not whitespace to str.split(): treated as spaces.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_KEPT_CONTROLS = frozenset("\t\n\r")


def _is_attached(char: str) -> bool:
    return char in _ATTACHED or 0xE0020 <= ord(char) <= 0xE007F or 0xE0100 <= ord(char) <= 0xE01EF


def ascii_digits(raw: str, separators: str = " ") -> str:
    """The identity number a person typed, in ASCII: fullwidth, Arabic-Indic or any other decimal digits become 0-9,
    the given separators are dropped. Anything else (letters, zero-width characters) is left for the caller to refuse,
    so one number has one stored form and a lookalike cannot pass as another number."""
    out = []
    for char in unicodedata.normalize("NFKC", raw):
        if char in separators:
            continue
        digit = unicodedata.decimal(char, None) if not char.isascii() else None
        out.append(str(digit) if digit is not None else char)
    return "".join(out)


class TextRefused(ValueError):
    """Text that cannot be cleaned into something acceptable; the message says why."""


def cleaned(raw: str, *, multiline: bool = False) -> str:
    """raw without zero-width characters and with blank-looking fillers as spaces; one-line text gets each run of
    whitespace as one space, multiline text keeps its layout and loses only its outer whitespace. Raises TextRefused
    for bidi controls or control characters other than tab and line breaks."""
    text = unicodedata.normalize("NFC", raw)
    if any(char in BIDI_CONTROLS for char in text):
        raise TextRefused("must not contain bidirectional override, embedding or isolate controls (U+202A-U+202E, "
                          "U+2066-U+2069)")
    if any(unicodedata.category(char) == "Cc" and char not in _KEPT_CONTROLS for char in text):
        raise TextRefused("must not contain control characters")
    kept: list[str] = []
    for i, char in enumerate(text):
        if char in _BLANKS:
            kept.append(" ")
        elif _is_attached(char):
            following = text[i + 1] if i + 1 < len(text) else ""
            joiner = char in "\u200c\u200d"
            if kept and _visible(kept[-1]) and (not joiner or _visible(following)):
                kept.append(char)
        elif unicodedata.category(char) != "Cf":
            kept.append(char)
    text = "".join(kept)
    return text.strip() if multiline else " ".join(text.split())


def _visible(char: str) -> bool:
    return bool(char) and (unicodedata.category(char)[0] in "LNPSM" or _is_attached(char))


def has_visible(text: str) -> bool:
    """Whether text shows anything: a letter, digit, punctuation mark or symbol."""
    return any(unicodedata.category(char)[0] in "LNPS" for char in text)


def clean_text(
    check: Validator, field: str, raw: str, *, label: str, max_length: int, required: bool = True,
    multiline: bool = False,
) -> str:
    """raw cleaned (see cleaned); its faults go to check under field. Text must show something once invisible
    characters are gone; optional text may be left empty, but not made only of invisible characters."""
    try:
        text = cleaned(raw, multiline=multiline)
    except TextRefused as exc:
        check.add(field, f"{label} {exc}")
        return ""
    bounds = f"1 to {max_length}" if required else f"at most {max_length}"
    if not has_visible(text) and raw.strip():
        check.add(field, f"{label} must not be made only of invisible characters")
    elif (required and not text) or len(text) > max_length:
        check.add(field, f"{label} must have {bounds} characters")
    return text

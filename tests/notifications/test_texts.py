"""The texts of messages: every kind has them in Bahasa Indonesia and English, each using exactly the kind's values,
and money reads Rp15.700 in both."""

from __future__ import annotations

import string

import pytest

from umkm_graph.notifications.kinds import MONEY, PARAMETERS, Kind, check_parameters
from umkm_graph.notifications.texts import TEXTS, catalog, render, rupiah


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_has_both_texts_in_both_languages_using_exactly_its_values(kind: Kind) -> None:
    english = catalog("en")
    subject, body = TEXTS[kind]
    for text in (subject, body):
        translated = english.gettext(text)
        assert translated != text, f"{kind.value} has no English text for {text!r}"
        assert placeholders(translated) == placeholders(text)
    assert placeholders(subject) | placeholders(body) == set(PARAMETERS[kind])


@pytest.mark.parametrize(("amount", "written"), [(15_700, "Rp15.700"), (2_000_000, "Rp2.000.000"), (500, "Rp500"),
                                                 (0, "Rp0")])
def test_money_is_written_with_indonesian_grouping(amount: int, written: str) -> None:
    assert rupiah(amount) == written


def test_a_refund_reads_the_same_amount_in_both_languages_with_values_in_template_order() -> None:
    values = {"reference": "UMKM-ABC", "amount": 15_700, "reason": "Telur pecah"}
    indonesian, english = render(Kind.REFUND_MADE, values, "id"), render(Kind.REFUND_MADE, values, "en")
    assert indonesian.body.startswith("Rp15.700 untuk pesanan UMKM-ABC dikembalikan")
    assert english.body.startswith("Rp15.700 for order UMKM-ABC has been refunded")
    assert indonesian.values == english.values == ("UMKM-ABC", "Rp15.700", "Telur pecah")


def test_a_language_without_a_catalog_reads_bahasa_indonesia() -> None:
    values = {"reference": "UMKM-ABC", "shop": "Toko Bu Endang"}
    assert render(Kind.ORDER_ACCEPTED, values, "jv").subject == "Pesanan UMKM-ABC diterima"


def test_wrong_parameters_are_a_bug_of_the_caller() -> None:
    with pytest.raises(ValueError, match="takes"):
        check_parameters(Kind.ORDER_ACCEPTED, {"reference": "UMKM-ABC"})
    money = next(iter(MONEY & set(PARAMETERS[Kind.PAYMENT_RECEIVED])))
    with pytest.raises(ValueError, match="int rupiah"):
        check_parameters(Kind.PAYMENT_RECEIVED, {"reference": "UMKM-ABC", money: "15.700"})

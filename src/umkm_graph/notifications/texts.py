"""The texts of messages: Bahasa Indonesia in the code (gettext's source language), English in the catalog
locales/en/LC_MESSAGES/notifications.po (the one folder of catalogues, beside the error texts), read with Babel; money
is always written Rp15.700.

After changing a text here, update the catalog, from src/umkm_graph: `pybabel extract -k N_ -o notifications.pot
notifications` then `pybabel update -D notifications -i notifications.pot -d locales` (a test fails while a text has no
translation)."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from umkm_graph.notifications.kinds import MONEY, PARAMETERS, Kind

LANGUAGES = ("id", "en")  # the first is the default
DEFAULT_LANGUAGE = LANGUAGES[0]
CATALOGS = Path(__file__).parent.parent / "locales"
DOMAIN = "notifications"


def N_(text: str) -> str:  # noqa: N802 - gettext's marker for texts translated later, so `pybabel extract` finds them
    return text


# (subject, body) per kind; {name} is one of the kind's values.
TEXTS: dict[Kind, tuple[str, str]] = {
    Kind.NEW_ORDER: (
        N_("Pesanan baru {reference}"),
        N_("{buyer} memesan di {shop} senilai {total}. Buka pesanan {reference} untuk menerimanya, atau batalkan "
           "dengan alasan bila barang tidak tersedia."),
    ),
    Kind.ACCEPT_REMINDER: (
        N_("Pesanan {reference} menunggu diterima"),
        N_("Pesanan {reference} di {shop} belum diterima. Terima sebelum {deadline}, atau pesanan dibatalkan otomatis."),
    ),
    Kind.CERTIFICATE_EXPIRING: (
        N_("Sertifikat {certificate} {shop} segera berakhir"),
        N_("Sertifikat {certificate} nomor {number} milik {shop} berlaku sampai {valid_until}. Perpanjang sebelum "
           "tanggal itu dan catat sertifikat yang baru, agar lencananya tetap tampil."),
    ),
    Kind.ORDER_ACCEPTED: (
        N_("Pesanan {reference} diterima"),
        N_("{shop} menerima pesanan {reference} dan sedang menyiapkannya."),
    ),
    Kind.READY_FOR_PICKUP: (
        N_("Pesanan {reference} siap diambil"),
        N_("Pesanan {reference} siap diambil di {shop}, {shop_address}. Tunjukkan kode pengambilan {pickup_code} "
           "kepada penjual."),
    ),
    Kind.OUT_FOR_DELIVERY: (
        N_("Pesanan {reference} sedang diantar"),
        N_("Pesanan {reference} dari {shop} sedang dalam perjalanan ke alamat Anda."),
    ),
    Kind.DELIVERED: (
        N_("Pesanan {reference} telah sampai"),
        N_("Pesanan {reference} dari {shop} telah diserahkan. Periksa barangnya, lalu selesaikan pesanan."),
    ),
    Kind.ORDER_CANCELLED: (
        N_("Pesanan {reference} dibatalkan"),
        N_("Pesanan {reference} di {shop} dibatalkan. Alasan: {reason}"),
    ),
    Kind.PAYMENT_RECEIVED: (
        N_("Pembayaran {reference} diterima"),
        N_("Pembayaran {amount} untuk pesanan {reference} telah diterima."),
    ),
    Kind.PAYMENT_EXPIRED: (
        N_("Pembayaran {reference} kedaluwarsa"),
        N_("Pembayaran {amount} untuk pesanan {reference} tidak diterima tepat waktu, sehingga pesanan dibatalkan."),
    ),
    Kind.REFUND_MADE: (
        N_("Dana pesanan {reference} dikembalikan"),
        N_("{amount} untuk pesanan {reference} dikembalikan kepada Anda. Alasan: {reason}"),
    ),
    Kind.COMPLAINT_OPENED: (
        N_("Keluhan atas pesanan {reference}"),
        N_("Keluhan dibuka atas pesanan {reference}: {reason}"),
    ),
    Kind.COMPLAINT_ANSWERED: (
        N_("Keluhan atas pesanan {reference} dijawab"),
        N_("Keluhan atas pesanan {reference} dijawab: {answer}"),
    ),
    Kind.PASSWORD_RESET: (
        N_("Kode atur ulang kata sandi"),
        N_("Halo {name}, kode untuk mengatur ulang kata sandi akun UMKM Kota Malang Anda: {code} . Kode ini berlaku "
           "{minutes} menit dan hanya sekali pakai. Jangan berikan kode ini kepada siapa pun. Bila Anda tidak "
           "memintanya, abaikan pesan ini: kata sandi Anda tidak berubah."),
    ),
    Kind.FOLLOWED_SHOP_NEW_PRODUCT: (
        N_("{shop} punya produk baru: {product}"),
        N_("Toko langganan Anda {shop} kini menjual {product} seharga {price}."),
    ),
    Kind.FOLLOWED_SHOP_RESTOCKED: (
        N_("{product} tersedia lagi di {shop}"),
        N_("{product} di toko langganan Anda {shop} tersedia lagi, seharga {price}."),
    ),
}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    values: tuple[str, ...]  # the kind's values as written, in template order


def rupiah(amount: int) -> str:
    """Rp15.700: Indonesian digit grouping, no space and no decimals, in every language."""
    return "Rp" + format_decimal(amount, format="#,##0", locale="id_ID")


def render(kind: Kind, parameters: dict[str, str | int], language: str) -> Text:
    """The message of this kind in this language (the default one for a language without a catalog)."""
    values = {name: rupiah(int(value)) if name in MONEY else str(value) for name, value in parameters.items()}
    translations = catalog(language)
    subject, body = TEXTS[kind]
    return Text(
        subject=translations.gettext(subject).format(**values),
        body=translations.gettext(body).format(**values),
        values=tuple(values[name] for name in PARAMETERS[kind]),
    )


@functools.cache
def catalog(language: str) -> NullTranslations:
    """The language's translations, compiled from its .po file in memory (no compiled .mo to keep in step)."""
    path = CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as source:
        po = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)

"""Kota Malang's 5 kecamatan and 57 kelurahan (BPS codes), the only places a shop or delivery address may be."""

from __future__ import annotations

KECAMATAN_CODES: dict[str, str] = {
    "Kedungkandang": "3573010",
    "Sukun": "3573020",
    "Klojen": "3573030",
    "Blimbing": "3573040",
    "Lowokwaru": "3573050",
}

KELURAHAN: dict[str, tuple[str, ...]] = {
    "Kedungkandang": (
        "Arjowinangun", "Tlogowaru", "Wonokoyo", "Bumiayu", "Buring", "Mergosono", "Kotalama",
        "Kedungkandang", "Sawojajar", "Madyopuro", "Lesanpuro", "Cemorokandang",
    ),
    "Sukun": (
        "Kebonsari", "Gadang", "Ciptomulyo", "Sukun", "Bandungrejosari", "Bakalan Krajan", "Mulyorejo",
        "Bandulan", "Tanjungrejo", "Pisang Candi", "Karang Besuki",
    ),
    "Klojen": (
        "Kasin", "Sukoharjo", "Kidul Dalem", "Kauman", "Bareng", "Gadingkasri", "Oro Oro Dowo", "Klojen",
        "Rampal Celaket", "Samaan", "Penanggungan",
    ),
    "Blimbing": (
        "Jodipan", "Polehan", "Kesatrian", "Bunulrejo", "Purwantoro", "Pandanwangi", "Blimbing", "Purwodadi",
        "Polowijen", "Arjosari", "Balearjosari",
    ),
    "Lowokwaru": (
        "Lowokwaru", "Tasikmadu", "Tunggulwulung", "Tunjungsekar", "Tlogomas", "Merjosari", "Dinoyo",
        "Sumbersari", "Ketawanggede", "Tulusrejo", "Jatimulyo", "Mojolangu",
    ),
}


def _key(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").split())


_KECAMATAN_BY_KEY = {_key(k): k for k in KELURAHAN}
_KELURAHAN_BY_KEY = {(k, _key(kel)): kel for k, kels in KELURAHAN.items() for kel in kels}


def canonical_kecamatan(name: str) -> str | None:
    """The official spelling of a kecamatan, forgiving case and spacing; None if it is not in Kota Malang."""
    return _KECAMATAN_BY_KEY.get(_key(name))


def canonical_kelurahan(kecamatan: str, name: str) -> str | None:
    """The official spelling of a kelurahan within its kecamatan; None if the pair is not real."""
    return _KELURAHAN_BY_KEY.get((kecamatan, _key(name)))

"""Kota Malang's 5 kecamatan and 57 kelurahan (BPS codes), the only places a shop or delivery address may be."""

from __future__ import annotations

from umkm_graph.core.errors import Validator

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


def checked_place(
    check: Validator, prefix: str, kecamatan: str, kelurahan: str, latitude: float | None, longitude: float | None
) -> tuple[str | None, str | None]:
    """An address's kecamatan and kelurahan in their official spelling (None where not real), and its point checked to
    lie in Kota Malang; each fault goes to `check` under `prefix` + the field's name."""
    found_kecamatan = canonical_kecamatan(kecamatan)
    found_kelurahan = canonical_kelurahan(found_kecamatan, kelurahan) if found_kecamatan else None
    if found_kecamatan is None:
        check.add(f"{prefix}kecamatan", f"{kecamatan!r} is not a kecamatan of Kota Malang")
    elif found_kelurahan is None:
        check.add(f"{prefix}kelurahan", f"{kelurahan!r} is not a kelurahan of Kecamatan {found_kecamatan}")
    if (latitude is None) != (longitude is None):
        check.add(f"{prefix}latitude", "Give latitude and longitude together")
    elif latitude is not None and longitude is not None:
        check.check(-8.2 <= latitude <= -7.7, f"{prefix}latitude", "Latitude must be within Kota Malang (-8.2 to -7.7)")
        check.check(112.4 <= longitude <= 112.9, f"{prefix}longitude",
                    "Longitude must be within Kota Malang (112.4 to 112.9)")
    return found_kecamatan, found_kelurahan

"""Budget account codes (kode rekening belanja, Permendagri 90/2019): akun.kelompok.jenis.objek.rincian.sub-rincian,
e.g. 5.1.02.01.01.0024 (belanja alat tulis kantor). An office buys goods and services on 5.1.02 (belanja barang dan
jasa) or equipment on 5.2 (belanja modal); no other spending is bought on a marketplace."""

from __future__ import annotations

import re

from umkm_graph.core.errors import DomainError, ErrorCode

_SHAPE = re.compile(r"5\.[0-9]\.[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_BOUGHT_ON = ("5.1.02.", "5.2.")
EXAMPLE = "5.1.02.01.01.0024"


def parse_budget_account(raw: str, field: str) -> str:
    code = raw.strip()
    if not _SHAPE.fullmatch(code):
        raise DomainError(ErrorCode.INVALID, f"A budget account code (kode rekening belanja) is written like {EXAMPLE}: "
                          "5, then digit, 2, 2, 2 and 4 digits, separated by dots", field)
    if not code.startswith(_BOUGHT_ON):
        raise DomainError(ErrorCode.INVALID, "Only goods and services spending (5.1.02...) or capital spending "
                          "(5.2...) is bought from UMKM", field)
    return code

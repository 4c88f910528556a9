"""Identity numbers of people (NIP, phone) are normalised to ASCII digits before they are checked and stored, so one
NIP written in fullwidth or Arabic-Indic digits is still the one NIP of one account (hardening II, item 6)."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import REGISTER, serial, sign_up

NIP = "198005122005012003"
REGISTER_ASN = """
mutation($nip: String!, $opd: String!) {
  registerAsn(nip: $nip, opd: $opd) { user { isAsn nip opd } errors { code field message } }
}
"""
ME = "{ me { nip phone } }"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


async def test_one_nip_in_other_digits_is_still_the_same_nip(api: Api) -> None:
    first, second, third = await sign_up(api), await sign_up(api), await sign_up(api)
    await api.ok(REGISTER_ASN, {"nip": NIP, "opd": "Diskominfo"}, first.token)
    fullwidth = NIP[:-1].translate(FULLWIDTH) + NIP[-1]  # one digit left in ASCII, as the attacker sent it
    for person, nip in ((second, fullwidth), (third, NIP.translate(ARABIC_INDIC))):
        errors = await api.fails(REGISTER_ASN, {"nip": nip, "opd": "Diskominfo"}, person.token)
        assert errors[0]["code"] == "ALREADY_EXISTS" and errors[0]["field"] == ["nip"]
        assert (await api.gql(ME, token=person.token))["me"]["nip"] is None


async def test_a_nip_in_other_digits_is_stored_in_ascii(api: Api) -> None:
    person = await sign_up(api)
    result = await api.ok(REGISTER_ASN, {"nip": NIP.translate(ARABIC_INDIC), "opd": "Diskominfo"}, person.token)
    assert result["user"]["nip"] == NIP


async def test_a_nip_with_non_digits_is_refused(api: Api) -> None:
    person = await sign_up(api)
    for nip in ("19800512200501200Ⅲ", "1980051220050120\u200b03", NIP[:-1] + "x"):
        errors = await api.fails(REGISTER_ASN, {"nip": nip, "opd": "Diskominfo"}, person.token)
        assert errors[0]["field"] == ["nip"] and "18 digits" in errors[0]["message"]


async def test_a_phone_is_stored_in_ascii_digits_whatever_digits_it_was_written_in(api: Api) -> None:
    for phone in ("０８１２-３４５６-７８９０", "081234567890".translate(ARABIC_INDIC), "0812 3456 7890"):
        email = f"phone{next(serial)}@example.id"
        result = await api.ok(REGISTER, {"input": {"email": email, "password": "rahasia-123", "name": "Ani",
                                                   "phone": phone}})
        assert (await api.gql(ME, token=result["token"]))["me"]["phone"] == "081234567890"


async def test_a_phone_with_non_digits_is_refused(api: Api) -> None:
    for phone in ("0812345678９x", "+62 812 ⅳ 4567", "0812\u202e34567890"):
        email = f"phone{next(serial)}@example.id"
        errors = await api.fails(REGISTER, {"input": {"email": email, "password": "rahasia-123", "name": "Ani",
                                                      "phone": phone}})
        assert errors[0]["field"] == ["phone"]

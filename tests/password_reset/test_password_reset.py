"""Resetting a forgotten password end to end: the code arrives by email at a real SMTP server on 127.0.0.1, works once,
signs out every session, and the request answers the same whether an account exists or not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest
from umkm_whatsapp.fake import FAKE_ACCESS_TOKEN, FAKE_PHONE_NUMBER_ID, FakeWhatsApp

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS
from tests.helpers.mail import PREFERENCES, MailServed, mail_served
from tests.helpers.people import sign_up
from umkm_graph import jobs
from umkm_graph.notifications.models import OutboxMessage
from umkm_graph.password_reset.models import PasswordReset
from umkm_graph.settings import Settings

REQUEST = f"""mutation($who: String!) {{ requestPasswordReset(emailOrPhone: $who) {{ accepted {ERRORS} }} }}"""
RESET = f"""mutation($code: String!, $new: String!) {{ resetPassword(code: $code, newPassword: $new) {{ done {ERRORS} }} }}"""
LOGIN = f"mutation($e: String!, $p: String!) {{ login(email: $e, password: $p) {{ token {ERRORS} }} }}"
PROFILE = f"mutation($input: UpdateProfileInput!) {{ updateProfile(input: $input) {{ {ERRORS} }} }}"
ME = "{ me { id } }"
NEW = "sandi-baru-yang-panjang-7"


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[MailServed]:
    async with mail_served(settings) as served:
        yield served


def code_in(body: str) -> str:
    found = re.search(r"(?:kata sandi akun UMKM Kota Malang Anda|your UMKM Kota Malang account): (\S+) \.", body)
    assert found, body
    return found.group(1)


async def test_the_mailed_code_sets_a_new_password_once_and_signs_out_every_session(served: MailServed) -> None:
    api = served.api
    person = await sign_up(api, name="Siti")
    assert (await api.ok(REQUEST, {"who": person.email.upper()}))["accepted"] is True
    assert served.mailbox.to(person.email) == []  # it leaves through the outbox
    await served.send()
    (mail,) = served.mailbox.to(person.email)
    assert mail["Subject"] == "Kode atur ulang kata sandi"
    body = mail.get_content()
    assert "Halo Siti" in body and "berlaku 30 menit" in body
    code = code_in(body)
    assert not await PasswordReset.filter(code_hash__contains=code).exists()  # only its hash is kept
    (row,) = await OutboxMessage.filter(kind="PASSWORD_RESET")
    assert code not in str(row.parameters)  # and the outbox forgot it once sent

    assert (await api.ok(RESET, {"code": code, "new": NEW}))["done"] is True
    again = await api.fails(RESET, {"code": code, "new": "lagi-sandi-lain-99"})
    assert [(e["code"], e["field"]) for e in again] == [("RESET_CODE_INVALID", ["code"])]
    old_session = await api.post(ME, token=person.token)
    assert old_session["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refused = (await api.gql(LOGIN, {"e": person.email, "p": "rahasia-123"}))["login"]
    assert refused["errors"][0]["code"] == "INVALID_CREDENTIALS"
    token = (await api.ok(LOGIN, {"e": person.email, "p": NEW}))["token"]
    assert (await api.gql(ME, token=token))["me"]["id"] == person.id


async def test_an_unknown_email_gets_the_same_answer_and_no_mail(served: MailServed) -> None:
    api = served.api
    person = await sign_up(api)
    known = await api.gql(REQUEST, {"who": person.email})
    unknown = await api.gql(REQUEST, {"who": "nobody-here@example.id"})
    assert known == unknown == {"requestPasswordReset": {"accepted": True, "errors": []}}
    await served.send()
    assert [m["To"] for m in served.mailbox.messages] == [person.email]


async def test_a_person_in_english_reads_it_in_english_and_a_phone_finds_the_account(served: MailServed) -> None:
    api = served.api
    person = await sign_up(api)
    await api.ok(PROFILE, {"input": {"phone": "0812-3456-7890", "language": "EN"}}, person.token)
    await api.ok(REQUEST, {"who": "+62 812 3456 7890"})  # the same number, written otherwise
    await served.send()
    (mail,) = served.mailbox.to(person.email)  # no WhatsApp here: email, the account's own address
    assert mail["Subject"] == "Your password reset code"
    assert "valid for 30 minutes" in mail.get_content()


async def test_a_weak_password_leaves_the_code_usable_and_an_expired_code_does_not_work(served: MailServed) -> None:
    api = served.api
    person = await sign_up(api)
    await api.ok(REQUEST, {"who": person.email})
    await api.ok(REQUEST, {"who": person.email})
    await served.send()
    first, second = (code_in(m.get_content()) for m in served.mailbox.to(person.email))
    weak = await api.fails(RESET, {"code": first, "new": "pendek"})
    assert [(e["code"], e["field"]) for e in weak] == [("INVALID", ["newPassword"])]
    # The second code's time runs out; the first, once used, voids it anyway.
    latest = await PasswordReset.all().order_by("-id").first()
    assert latest is not None
    await PasswordReset.filter(id=latest.id).update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    expired = await api.fails(RESET, {"code": second, "new": NEW})
    assert expired[0]["code"] == "RESET_CODE_INVALID"
    assert (await api.ok(RESET, {"code": first, "new": NEW}))["done"]


async def test_requests_are_limited_per_email_typed_alike_for_unknown_ones_and_bad_input_is_named(
    served: MailServed,
) -> None:
    api = served.api
    person = await sign_up(api)
    for who in (person.email, "nobody-here@example.id"):
        for _ in range(3):  # password_resets_per_identifier
            await api.ok(REQUEST, {"who": who})
        refused = await api.fails(REQUEST, {"who": who})
        assert refused[0]["code"] == "RATE_LIMITED"
    await served.send()
    assert len(served.mailbox.to(person.email)) == 3
    wrong = await api.fails(REQUEST, {"who": "bukan email"})
    assert [(e["code"], e["field"]) for e in wrong] == [("INVALID", ["emailOrPhone"])]
    guessed = await api.fails(RESET, {"code": "tebakan", "new": NEW})
    assert guessed[0]["code"] == "RESET_CODE_INVALID"


async def test_past_the_cap_per_account_the_answer_stays_the_same_but_no_more_mail_goes(settings: Settings) -> None:
    async with mail_served(settings, password_resets_per_account=2) as served:
        person = await sign_up(served.api)
        await served.api.ok(PROFILE, {"input": {"phone": "081234567890"}}, person.token)
        for who in (person.email, person.email, "081234567890"):  # the phone reaches the same account
            assert (await served.api.ok(REQUEST, {"who": who}))["accepted"]
        await served.send()
        assert len(served.mailbox.to(person.email)) == 2


async def test_asked_by_phone_a_person_who_hears_on_whatsapp_gets_the_code_there(
    settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with FakeWhatsApp() as whatsapp:
        for name, value in {"UMKM_WHATSAPP_ACCESS_TOKEN": FAKE_ACCESS_TOKEN, "UMKM_WHATSAPP_PHONE_NUMBER_ID":
                            FAKE_PHONE_NUMBER_ID, "UMKM_WHATSAPP_BASE_URL": whatsapp.base_url}.items():
            monkeypatch.setenv(name, value)
        async with mail_served(settings) as served:
            api = served.api
            person = await sign_up(api)
            await api.ok(PROFILE, {"input": {"phone": "0812 3456 7890"}}, person.token)  # sent to as 62812...
            # The preferences' WhatsApp number is someone else's: a code only goes to the account's own phone.
            on = {"channels": [{"channel": "whatsapp", "enabled": True, "address": "0899 0000 1111"}]}
            await api.ok(PREFERENCES, {"input": on}, person.token)
            await api.ok(REQUEST, {"who": "+6281234567890"})
            await api.ok(REQUEST, {"who": person.email})  # by email: to the email
            await served.send()
            (sent,) = whatsapp.to("6281234567890")
            assert sent.template == "umkm_password_reset" and whatsapp.to("6289900001111") == []
            assert len(served.mailbox.to(person.email)) == 1
            name, code, minutes = sent.parameters
            assert minutes == "30"
            assert (await api.ok(RESET, {"code": code, "new": NEW}))["done"]


async def test_one_address_asking_for_many_emails_is_limited(settings: Settings) -> None:
    async with mail_served(settings, password_resets_per_address=2) as served:
        for n in range(2):
            await served.api.ok(REQUEST, {"who": f"tebak{n}@example.id"})
        refused = await served.api.fails(REQUEST, {"who": "tebak9@example.id"})
        assert refused[0]["code"] == "RATE_LIMITED" and "from your address" in refused[0]["message"]


async def test_the_jobs_delete_used_and_expired_codes_by_their_clock_and_a_live_code_still_works(
    served: MailServed,
) -> None:
    api, state = served.api, served.app.state
    used, waiting = await sign_up(api), await sign_up(api)
    for person in (used, waiting):
        await api.ok(REQUEST, {"who": person.email})
    await served.send()
    (used_mail,), (waiting_mail,) = served.mailbox.to(used.email), served.mailbox.to(waiting.email)
    assert (await api.ok(RESET, {"code": code_in(used_mail.get_content()), "new": NEW}))["done"]
    asked_at = dt.datetime.now(dt.UTC)

    soon = await jobs.run_order_jobs(state.providers, state.events, served.settings, asked_at + dt.timedelta(minutes=1))
    assert soon.reset_codes_swept == 1 and "1 spent reset code(s)" in soon.line()
    assert [r.user.email for r in await PasswordReset.all().select_related("user")] == [waiting.email]
    late = await jobs.run_order_jobs(state.providers, state.events, served.settings, asked_at + dt.timedelta(minutes=31))
    assert late.reset_codes_swept == 1 and not await PasswordReset.exists()
    assert (await api.fails(RESET, {"code": code_in(waiting_mail.get_content()), "new": NEW}))[0]["code"] == \
        "RESET_CODE_INVALID"

"""The rules an organisation's own message text keeps, and the outbox's use of it (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain import message_texts as mt
from backend.domain.message_texts import MessageTextError
from backend.domain.notify import BookingNotice, NoticeKind, email_text, plan, sms_text


@pytest.mark.parametrize("language", mt.LANGUAGES)
@pytest.mark.parametrize("key", list(mt.SPECS))
def test_every_default_text_passes_its_own_rules(key: str, language: str):
    preview = mt.check(key, language, mt.default_text(key, language))
    assert "{" not in preview.text and preview.segments >= 1


@pytest.mark.parametrize(
    ("key", "text", "rule"),
    [
        ("confirmation.sms", "", "empty"),
        ("confirmation.sms", "Aika {when}, koodi {code}, {servise}", "unknown placeholder {servise}"),
        ("third_party_invitation.sms", "Kutsu {when} {link} {code}", "unknown placeholder {code}"),
        ("reschedule.sms", "Uusi aika {when}.", "placeholder {code} is missing"),
        ("third_party_invitation.sms", "Tervetuloa {when}", "placeholder {link} is missing"),
        ("confirmation.sms", "{when} {code} " + "x" * 320, "too long for an SMS"),
        ("confirmation.sms", "{when} {code} – " + "x" * 130, "outside the GSM alphabet"),
        ("confirmation.sms", "{when} {code} {", "stands alone"),
        ("confirmation.sms", "{when!r} {code}", "bare name"),
        ("confirmation.sms", "{when:>30} {code}", "bare name"),
        ("confirmation.subject", "Varaus\n{when}", "one line"),
        ("feedback_request.sms", "Arvioi käynti 1-5, {code}", "this message can use none"),
    ],
)
def test_a_text_that_breaks_a_rule_is_refused_naming_the_field_and_rule(key: str, text: str, rule: str):
    with pytest.raises(MessageTextError) as err:
        mt.check(key, "fi", text)
    assert str(err.value).startswith("text: ") and rule in str(err.value)


def test_unknown_keys_and_languages_are_refused_naming_the_field():
    with pytest.raises(MessageTextError, match=r"^key: "):
        mt.check("confirmation.fax", "fi", "{when} {code}")
    with pytest.raises(MessageTextError, match=r"^language: "):
        mt.check("confirmation.sms", "de", "{when} {code}")


def test_the_subject_needs_no_placeholder_and_has_no_segment_budget():
    assert mt.check("confirmation.subject", "sv", "Din bokning").segments == 1


def _notice(**kw) -> BookingNotice:
    base = dict(
        kind=NoticeKind.CONFIRMATION,
        booking_code="K7M2QX",
        service_name={"fi": "Verokortti"},
        point_name="Suomi-piste Imatra",
        point_address="Virastokatu 2",
        starts_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        language="fi",
        phone="+358401234567",
        email="a@example.fi",
    )
    return BookingNotice(**{**base, **kw})  # type: ignore[arg-type]


def test_the_organisations_own_wording_replaces_the_catalogues_only_where_it_was_set():
    own = {"confirmation.sms": "Vero: {service} {when}. Koodi {code}.", "cancellation.subject": "Peruttu {when}"}
    n = _notice(own_texts=own)
    assert sms_text(n) == "Vero: Verokortti to 26.11.2026 klo 10.00. Koodi K7M2QX."
    subject, body = email_text(n)
    assert subject == email_text(_notice())[0]  # the subject was not worded: the catalogue's
    assert body.startswith("Vero: Verokortti") and "K7M2QX" in body
    assert email_text(n, NoticeKind.CANCELLATION)[0] == "Peruttu to 26.11.2026 klo 10.00"
    # Reminders were not worded: the catalogue's.
    assert sms_text(n, NoticeKind.REMINDER_DAY_BEFORE) == sms_text(_notice(), NoticeKind.REMINDER_DAY_BEFORE)
    planned = plan(n, datetime(2026, 11, 20, 8, 0, tzinfo=UTC) - timedelta(days=1))
    sms = [m.text for m in planned.messages if m.kind is NoticeKind.CONFIRMATION and m.channel == "sms"]
    assert sms == ["Vero: Verokortti to 26.11.2026 klo 10.00. Koodi K7M2QX."]

"""What a booking event produces: texts per language and kind, SMS size, reminder times."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.notify import (
    HELSINKI,
    BookingNotice,
    NoticeChannel,
    NoticeError,
    NoticeKind,
    normalize_phone,
    plan,
    reminder_times,
    retry_delay,
    sms_size,
    sms_text,
)

UTC = ZoneInfo("UTC")


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def notice(kind: NoticeKind = NoticeKind.CONFIRMATION, **changes: object) -> BookingNotice:
    base = BookingNotice(
        kind=kind,
        booking_code="K7M2QX",
        service_name={"fi": "Verokortin muutos", "sv": "Ändring av skattekort", "en": "Tax card change"},
        point_name="Suomi-piste Imatra",
        point_address="Virastokatu 2, Imatra",
        starts_at=hki(2026, 11, 26, 10, 0),
        language="fi",
        phone="040 123 4567",
        email=None,
        old_starts_at=hki(2026, 11, 25, 13, 30) if kind is NoticeKind.RESCHEDULE else None,
        invite_link="https://etapiste.example/j/abc" if kind is NoticeKind.THIRD_PARTY_INVITATION else None,
    )
    return replace(base, **changes)


# --------------------------------------------------------------------------- SMS size


def test_finnish_and_swedish_letters_are_gsm7():
    size = sms_size("Äiti, Öljy, Åbo: äö å")
    assert size.encoding == "GSM-7"
    assert size.units == 21


def test_boundaries_of_gsm7_segments():
    assert sms_size("a" * 160).segments == 1
    assert sms_size("a" * 161).segments == 2
    assert sms_size("a" * 306).segments == 2
    assert sms_size("a" * 307).segments == 3


def test_extension_characters_take_two_septets_and_are_not_split():
    assert sms_size("€" * 80).units == 160
    assert sms_size("€" * 80).segments == 1
    # 152 plain septets then a two-septet character: it does not fit in the
    # first 153-septet segment and moves whole into the second.
    assert sms_size("a" * 152 + "€" + "a" * 10).segments == 2
    assert sms_size("a" * 152 + "€" + "a" * 152).segments == 3


def test_a_character_outside_gsm7_makes_the_whole_message_ucs2():
    size = sms_size("Tervetuloa ✓")
    assert size.encoding == "UCS-2"
    assert sms_size("ç" * 70).segments == 1  # lower-case ç is not in GSM-7 (only Ç is)
    assert sms_size("ç" * 71).segments == 2
    assert sms_size("ç" * 134).segments == 2
    assert sms_size("ç" * 135).segments == 3


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_sms_is_gsm7_and_at_most_two_segments(language: str, kind: NoticeKind):
    # A long but real service name and address, to hold the texts to a budget.
    text = sms_text(
        notice(
            kind,
            language=language,
            service_name={language: "Perustoimeentulotuen hakeminen ja neuvonta"},
            point_address="Kaupungintalo, Valtakatu 35, 55100 Imatra",
        )
    )
    size = sms_size(text)
    assert size.encoding == "GSM-7", text
    assert size.segments <= 2, (size, text)


# --------------------------------------------------------------------------- texts


def test_confirmation_in_finnish_names_service_time_place_and_code():
    text = sms_text(notice())
    assert text == (
        "Etäpiste: Verokortin muutos to 26.11.2026 klo 10.00, Suomi-piste Imatra, Virastokatu 2, Imatra. "
        "Varauskoodi K7M2QX."
    )
    assert sms_size(text).segments == 1


def test_confirmation_in_swedish_and_english_uses_that_language_and_its_service_name():
    sv = sms_text(notice(language="sv"))
    en = sms_text(notice(language="en"))
    assert "Ändring av skattekort tors 26.11.2026 kl. 10.00" in sv and "Bokningskod K7M2QX" in sv
    assert "Tax card change Thu 26 Nov 2026 at 10:00" in en and "Booking code K7M2QX" in en


def test_a_missing_translation_falls_back_to_finnish():
    assert "Verokortin muutos" in sms_text(notice(language="en", service_name={"fi": "Verokortin muutos"}))


def test_time_is_shown_in_helsinki_time_whatever_zone_it_came_in():
    utc_start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 10.00 in Helsinki (EET, +2)
    assert "klo 10.00" in sms_text(notice(starts_at=utc_start))


def test_reschedule_names_new_and_old_time():
    text = sms_text(notice(NoticeKind.RESCHEDULE))
    assert "Uusi aika to 26.11.2026 klo 10.00 (oli ke 25.11.2026 klo 13.30)" in text


def test_each_kind_has_its_own_text_in_each_language():
    for language in ("fi", "sv", "en"):
        texts = {sms_text(notice(kind, language=language)) for kind in NoticeKind}
        assert len(texts) == len(NoticeKind)


def test_email_comes_after_sms_with_subject_and_instructions():
    p = plan(notice(email="maija@example.fi", language="sv"), now=hki(2026, 11, 26, 9, 0))
    assert [m.channel for m in p.messages] == [NoticeChannel.SMS, NoticeChannel.EMAIL]
    mail = p.messages[1]
    assert mail.subject == "Bokningen är bekräftad: Ändring av skattekort tors 26.11.2026 kl. 10.00"
    assert "ange bokningskoden K7M2QX" in mail.text


def test_no_contact_data_means_no_messages():
    assert plan(notice(phone=None), now=hki(2026, 11, 20, 9, 0)).messages == []


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("040 123 4567", "+358401234567"), ("+358 40 123-4567", "+358401234567"), ("0046701234567", "+46701234567")],
)
def test_phone_numbers_are_normalised(typed: str, e164: str):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("bad", ["123", "abc", "+0 40 123", ""])
def test_bad_phone_number_is_refused_naming_the_field(bad: str):
    with pytest.raises(NoticeError, match=r"^phone:"):
        normalize_phone(bad)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "de"}, "language"),
        ({"email": "not-an-address"}, "email"),
        ({"starts_at": datetime(2026, 11, 26, 10, 0)}, "starts_at"),
        ({"booking_code": " "}, "booking_code"),
    ],
)
def test_bad_notice_is_refused_naming_the_field(changes: dict[str, object], field: str):
    with pytest.raises(NoticeError, match=f"^{field}:"):
        plan(notice(**changes), now=hki(2026, 11, 20, 9, 0))


def test_reschedule_without_old_time_is_refused():
    with pytest.raises(NoticeError, match=r"^old_starts_at:"):
        plan(notice(NoticeKind.RESCHEDULE, old_starts_at=None), now=hki(2026, 11, 20, 9, 0))


# --------------------------------------------------------------------------- reminder schedule


def test_booking_days_ahead_gets_day_before_and_morning_reminders():
    times = reminder_times(hki(2026, 11, 26, 10, 0), now=hki(2026, 11, 20, 12, 0))
    assert times == {
        NoticeKind.REMINDER_DAY_BEFORE: hki(2026, 11, 25, 10, 0),
        NoticeKind.REMINDER_SAME_DAY: hki(2026, 11, 26, 7, 30),
    }


def test_booking_made_less_than_a_day_ahead_gets_only_the_morning_reminder():
    times = reminder_times(hki(2026, 11, 26, 10, 0), now=hki(2026, 11, 25, 15, 0))
    assert list(times) == [NoticeKind.REMINDER_SAME_DAY]


def test_booking_for_today_gets_no_reminder():
    assert reminder_times(hki(2026, 11, 26, 14, 0), now=hki(2026, 11, 26, 6, 0)) == {}


def test_reminder_right_after_the_booking_is_made_is_left_out():
    # Booked at 9.00 for tomorrow 10.00: "tomorrow" would come an hour after the confirmation.
    times = reminder_times(hki(2026, 11, 26, 10, 0), now=hki(2026, 11, 25, 9, 0))
    assert list(times) == [NoticeKind.REMINDER_SAME_DAY]


def test_early_appointment_gets_no_morning_reminder_after_its_start():
    times = reminder_times(hki(2026, 11, 26, 7, 15), now=hki(2026, 11, 20, 12, 0))
    assert list(times) == [NoticeKind.REMINDER_DAY_BEFORE]


def test_day_before_reminder_keeps_wall_clock_time_in_spring_dst_week():
    # Clocks go forward on Sunday 29 March 2026 at 03.00 -> 04.00 in Helsinki; an
    # appointment that Sunday is reminded of on Saturday at the same wall-clock time,
    # 23 hours of real time ahead.
    start = hki(2026, 3, 29, 10, 0)
    times = reminder_times(start, now=hki(2026, 3, 20, 12, 0))
    day_before = times[NoticeKind.REMINDER_DAY_BEFORE]
    assert day_before == hki(2026, 3, 28, 10, 0)
    assert day_before.utcoffset() == timedelta(hours=2)
    assert start.astimezone(UTC) - day_before.astimezone(UTC) == timedelta(hours=23)
    assert times[NoticeKind.REMINDER_SAME_DAY].astimezone(UTC) == datetime(2026, 3, 29, 4, 30, tzinfo=UTC)


def test_day_before_reminder_keeps_wall_clock_time_in_autumn_dst_week():
    # Clocks go back on Sunday 25 October 2026 at 04.00 -> 03.00 in Helsinki: 25 hours.
    start = hki(2026, 10, 25, 10, 0)
    times = reminder_times(start, now=hki(2026, 10, 20, 12, 0))
    day_before = times[NoticeKind.REMINDER_DAY_BEFORE]
    assert day_before == hki(2026, 10, 24, 10, 0)
    assert start.astimezone(UTC) - day_before.astimezone(UTC) == timedelta(hours=25)
    assert times[NoticeKind.REMINDER_SAME_DAY].astimezone(UTC) == datetime(2026, 10, 25, 5, 30, tzinfo=UTC)


def test_day_before_time_in_the_skipped_spring_hour_is_moved_past_the_gap():
    # An appointment at 03.30 on Monday: 03.30 does not exist on the Sunday.
    times = reminder_times(hki(2026, 3, 30, 3, 30), now=hki(2026, 3, 20, 12, 0))
    at = times[NoticeKind.REMINDER_DAY_BEFORE]
    assert (at.hour, at.minute) == (4, 30)
    assert at.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_confirmation_plan_holds_confirmation_now_and_reminders_later():
    now = hki(2026, 11, 20, 12, 0)
    p = plan(notice(), now=now)
    assert [(m.kind, m.send_at) for m in p.messages] == [
        (NoticeKind.CONFIRMATION, now),
        (NoticeKind.REMINDER_DAY_BEFORE, hki(2026, 11, 25, 10, 0)),
        (NoticeKind.REMINDER_SAME_DAY, hki(2026, 11, 26, 7, 30)),
    ]
    assert p.cancel_reminders_of is None
    assert all(m.expires_at == hki(2026, 11, 26, 10, 0) for m in p.messages[1:])
    assert len({m.dedupe_key for m in p.messages}) == 3


def test_same_notice_twice_gives_the_same_keys():
    now = hki(2026, 11, 20, 12, 0)
    first = [m.dedupe_key for m in plan(notice(), now).messages]
    again = [m.dedupe_key for m in plan(notice(), now + timedelta(minutes=5)).messages]
    assert first == again


def test_reschedule_withdraws_old_reminders_and_plans_new_ones():
    now = hki(2026, 11, 20, 12, 0)
    old = plan(notice(starts_at=hki(2026, 11, 25, 13, 30)), now)
    new = plan(notice(NoticeKind.RESCHEDULE), now + timedelta(hours=1))
    assert new.cancel_reminders_of == "K7M2QX"
    assert [m.kind for m in new.messages] == [
        NoticeKind.RESCHEDULE,
        NoticeKind.REMINDER_DAY_BEFORE,
        NoticeKind.REMINDER_SAME_DAY,
    ]
    old_keys = {m.dedupe_key for m in old.messages if m.kind != NoticeKind.CONFIRMATION}
    assert old_keys.isdisjoint(m.dedupe_key for m in new.messages)


def test_cancellation_withdraws_reminders_and_sends_only_the_cancellation():
    p = plan(notice(NoticeKind.CANCELLATION, email="maija@example.fi"), now=hki(2026, 11, 20, 12, 0))
    assert p.cancel_reminders_of == "K7M2QX"
    assert [(m.kind, m.channel) for m in p.messages] == [
        (NoticeKind.CANCELLATION, NoticeChannel.SMS),
        (NoticeKind.CANCELLATION, NoticeChannel.EMAIL),
    ]


def test_invitations_to_two_people_are_two_messages():
    now = hki(2026, 11, 20, 12, 0)
    a = plan(notice(NoticeKind.THIRD_PARTY_INVITATION, phone="040 111 1111"), now).messages
    b = plan(notice(NoticeKind.THIRD_PARTY_INVITATION, phone="040 222 2222"), now).messages
    assert a[0].dedupe_key != b[0].dedupe_key
    assert "https://etapiste.example/j/abc" in a[0].text


def test_retry_delay_doubles_up_to_the_cap():
    assert [retry_delay(n, 30, 900) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]
    assert retry_delay(10_000, 30, 900) == 900


def test_gap_after_booking_is_measured_in_real_time_across_the_spring_change():
    # Booked Sunday 29 Mar 2026 at 02.00 (EET) for Monday 04.30. The day-before reminder
    # would be Sunday 04.30 (EEST): 2 h 30 min later on the wall clock, but only 1 h 30 min
    # of real time, since 03.00 became 04.00 — too close to the confirmation, left out.
    assert reminder_times(hki(2026, 3, 30, 4, 30), now=hki(2026, 3, 29, 2, 0)) == {}


# --------------------------------------------------------------------------- properties

_instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@given(start=_instants, lead=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)))
def test_reminders_are_never_in_the_past_never_after_the_start_and_never_twice(start: datetime, lead: timedelta):
    now = start - lead
    times = reminder_times(start, now)
    for kind, at in times.items():
        assert now + timedelta(hours=2) <= at < start, (kind, at)
        assert at.astimezone(HELSINKI).date() < start.astimezone(HELSINKI).date() or (
            kind is NoticeKind.REMINDER_SAME_DAY
        )
    assert len(set(times.values())) == len(times)


@given(text=st.text(alphabet="abcäöåÄÖÅ 0123456789.,:", max_size=800))
def test_plain_gsm7_segments_follow_the_160_153_rule(text: str):
    n = len(text)
    expected = 0 if n == 0 else 1 if n <= 160 else -(-n // 153)
    assert sms_size(text) == type(sms_size(text))("GSM-7", n, expected)

"""Slip content in fi/sv/en, and its ESC/POS rendering read back by the simulated printer's decoder."""

from __future__ import annotations

from datetime import datetime

import pytest

from drivers.printer import render
from drivers.sim.printer import EscposDecoder
from drivers.slip import Language, booking_confirmation, format_when, printable, visit_summary

WHEN = datetime(2026, 6, 5, 9, 5)  # a Friday


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (Language.FI, "pe 5.6.2026 klo 9.05"),
        (Language.SV, "fre 5.6.2026 kl. 9.05"),
        (Language.EN, "Fri 5 Jun 2026 at 09:05"),
    ],
)
def test_dates_as_people_write_them(language: Language, text: str) -> None:
    assert format_when(WHEN, language) == text


def test_booking_confirmation_content() -> None:
    slip = booking_confirmation("fi", "Utsjoen palvelupiste", "Verohallinto", WHEN, "AB12-CD", "https://x/b/AB12")
    text = slip.text()
    assert text[0] == "Ajanvarausvahvistus"
    assert "Utsjoen palvelupiste" in text and "Verohallinto" in text and "pe 5.6.2026 klo 9.05" in text
    assert "AB12-CD" in text
    assert "Seuraavaksi" in text
    assert slip.qr == "https://x/b/AB12"
    assert slip.lines[0].large and slip.lines[0].center


def test_visit_summary_in_english_with_notes_wrapped_to_width() -> None:
    note = "Send the missing salary statement through the online service within two weeks."
    slip = visit_summary("en", "Inari service point", "Kela", WHEN, "https://x/v/1", notes=[note], width=32)
    assert slip.text()[0] == "Visit summary"
    assert all(len(line) <= 32 for line in slip.text())
    assert " ".join(slip.text()).count("salary statement") == 1


def test_sami_letters_become_their_base_letters_and_nordic_letters_stay() -> None:
    assert printable("Anár / Inari – Čeavetjávri, Åland, Ödön") == "Anár / Inari - Ceavetjávri, Åland, Ödön"
    assert printable("ŋ\u200b") == "??"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"language": "de"}, "language: must be one of fi, sv, en"),
        ({"booking_code": " "}, "booking_code: must not be empty"),
        ({"booking_code": "X" * 40}, "booking_code: must be at most 32"),
        ({"qr_payload": ""}, "qr_payload: must be a non-empty string"),
        ({"qr_payload": "x" * 2000}, "qr_payload: must be at most"),
        ({"service": ""}, "Palvelu: must not be empty"),
    ],
)
def test_bad_slip_input_is_refused_naming_the_field(kwargs: dict, message: str) -> None:
    args = {
        "language": "fi",
        "service_point": "Kemi",
        "service": "Kela",
        "when": WHEN,
        "booking_code": "AB",
        "qr_payload": "q",
    } | kwargs
    with pytest.raises(ValueError, match=message):
        booking_confirmation(**args)


@pytest.mark.parametrize("language", list(Language))
def test_rendered_slip_decodes_back_to_the_same_text_and_qr(language: Language) -> None:
    slip = booking_confirmation(language, "Pietarsaari – Jakobstad", "Polisen", WHEN, "ÅÄÖ-123", "https://x/b/åäö")
    decoder = EscposDecoder()
    assert decoder.feed(render(slip)) == []  # a job asks no status questions itself
    doc = decoder.doc
    printed = [line for line in doc.lines if line]
    assert printed == [printable(line) for line in slip.text() if line]
    assert doc.qr_codes == ["https://x/b/åäö"]  # QR payload travels as UTF-8, not through the code page
    assert doc.cuts == 1
    assert doc.unknown == []


def test_long_title_is_wrapped_for_double_width_letters() -> None:
    slip = visit_summary("sv", "Närpes", "Skatt", WHEN, "q", width=42)
    titles = [line.text for line in slip.lines if line.large]
    assert titles == ["Sammanfattning av", "besöket"]
    assert all(len(t) <= 21 for t in titles)


def test_what_next_carries_the_officials_words_and_no_qr_code():
    from drivers.printer import render
    from drivers.slip import what_next

    slip = what_next(
        "fi", "Verokortti tulee postissa.\n\nTarkista tulorajasi OmaVerossa.", datetime(2026, 11, 24, 10, 5)
    )
    assert slip.qr == ""
    text = slip.text()
    assert text[0] == "Asiointiyhteenveto"
    assert "Verokortti tulee postissa." in text and "Tarkista tulorajasi OmaVerossa." in text
    assert b"\x1d(k" not in render(slip)  # no QR command in the job

"""The booth's card signer (kiosk/identification.py) on SoftHSM2: events out, PIN wiped, never an exception."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from kiosk import session as sm
from kiosk.config import IdCardConfig
from kiosk.identification import CardSigner
from tests.hil import softhsm_fixtures
from tests.hil.softhsm_fixtures import PIN, WRONG_PIN, SoftHsm

softhsm = softhsm_fixtures.softhsm


def run(coro):
    """The coroutine on a loop of its own thread (a test run may have a loop in this one, e.g. Playwright's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_the_card_signs_or_says_why_not_and_the_pin_is_wiped_either_way(softhsm: SoftHsm):
    signer = CardSigner(IdCardConfig(pkcs11_module=softhsm.module, token_label="ec"))
    right, wrong = bytearray(PIN.encode()), bytearray(WRONG_PIN.encode())
    signed = run(signer.sign(right, b"challenge", lambda: 1.0))
    failed = run(signer.sign(wrong, b"challenge", lambda: 2.0))
    assert isinstance(signed, sm.CardSigned) and signed.mechanism == "ecdsa-sha256" and signed.signature
    assert isinstance(failed, sm.CardFailed) and failed.code == "wrong_pin"
    assert right == bytearray(len(PIN)) and wrong == bytearray(len(WRONG_PIN))


def test_a_booth_without_card_middleware_or_without_the_card_fails_kindly(softhsm: SoftHsm):
    pin = bytearray(PIN.encode())
    none = run(CardSigner(None).sign(pin, b"c", lambda: 1.0))
    assert none == sm.CardFailed("not_configured", None, 1.0) and pin == bytearray(len(PIN))
    pulled = CardSigner(IdCardConfig(pkcs11_module=softhsm.module, token_label="ec"), card_present=lambda: False)
    out = run(pulled.sign(bytearray(PIN.encode()), b"c", lambda: 2.0))
    assert out == sm.CardFailed("card_removed", None, 2.0)

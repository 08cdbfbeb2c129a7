"""The booth's side of identification in a call: the ID card signs, in a worker thread.

The session machine decides (``kiosk.session``: ``SignChallenge``); this
carries it out with ``drivers.idcard.Pkcs11IdCard`` off the event loop (PKCS#11
calls block for as long as the card takes; the call's picture and sound must
not wait for them) and turns the outcome into an event: ``CardSigned`` with
the certificate and signature, or ``CardFailed`` with the driver's code.

The PIN arrives as the keypad's ``bytearray`` and is wiped here whatever
happens (the driver wipes it too); it is never logged, and neither is the
certificate (it names the citizen).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from drivers.idcard import IdCardError, Pkcs11IdCard
from kiosk import session as sm
from kiosk.config import IdCardConfig
from kiosk.pin_entry import wipe

log = logging.getLogger("etapiste.kiosk.identification")


class CardSigner:
    """Signs challenges with the booth's ID card; ``config`` None: the booth has no card middleware."""

    def __init__(self, config: IdCardConfig | None, card_present: Callable[[], bool] | None = None) -> None:
        self.card = (
            Pkcs11IdCard(config.pkcs11_module, token_label=config.token_label, rsa_padding=config.rsa_padding)
            if config is not None
            else None
        )
        self.card_present = card_present
        self._lock = asyncio.Lock()  # one identification at a time: the driver is not thread-safe

    async def sign(self, pin: bytearray, challenge: bytes, clock: Callable[[], float]) -> sm.Event:
        """``CardSigned`` or ``CardFailed``; never raises, always wipes ``pin``."""
        try:
            if self.card is None:
                return sm.CardFailed("not_configured", None, clock())
            async with self._lock:
                ident = await asyncio.to_thread(self.card.identify, pin, challenge, self.card_present)
        except IdCardError as exc:
            log.info("the ID card did not sign: %s", exc.code)
            return sm.CardFailed(exc.code, exc.tries_left, clock())
        except Exception as exc:  # a middleware surprise must not take the booth down
            log.warning("the ID card software failed: %s", type(exc).__name__)
            return sm.CardFailed("module_error", None, clock())
        finally:
            wipe(pin)
        return sm.CardSigned(ident.certificate_der, ident.signature, ident.mechanism, clock())

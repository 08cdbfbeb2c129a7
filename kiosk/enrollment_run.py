"""The booth's enrollment and renewal, run in the controller's loop (the network calls in threads).

First start without a certificate: make the key, show the enrollment screen,
wait for a token (typed, or a token file on a USB stick), send it, and show
the backend's reason when it refuses; never give up, never crash the booth.
Afterwards: check every ``RENEW_CHECK_S`` whether a third of the certificate's
lifetime is left, and renew it then (again sooner after a failure). The token
is never logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from kiosk.config import KioskConfig
from kiosk.enrollment import EnrollStatus, EnrollView
from kiosk.identity import EnrollmentRefused, Identity, enroll, renew, token_from_stick
from kiosk.tpm import TpmError

log = logging.getLogger("etapiste.kiosk")

#: How often the USB stick's token file is looked for while the enrollment screen is up.
STICK_POLL_S = 2.0
#: How often the certificate's remaining lifetime is checked; after a failed renewal, ``RETRY_S``.
RENEW_CHECK_S = 3600.0
RETRY_S = 300.0
#: How soon a TPM that failed to make or read the key is tried again (its error stays on the screen).
TPM_RETRY_S = 30.0


class EnrollmentRun:
    def __init__(
        self,
        identity: Identity,
        config: KioskConfig,
        show: Callable[[EnrollView], None],
        clock: Callable[[], float],
    ) -> None:
        self.identity, self.config, self.show, self.clock = identity, config, show, clock
        self._typed: asyncio.Queue[str] = asyncio.Queue()
        self._stick_tried: str | None = None

    def submit(self, token: str) -> None:
        """A token typed on the screen (the controller's loop)."""
        self._typed.put_nowait(token)

    async def until_enrolled(self) -> None:
        if self.identity.enrolled():
            return
        code = await self._key_code()
        log.info("not enrolled: showing the enrollment screen (booth code %s)", code)
        self.show(EnrollView(code, EnrollStatus.WAITING))
        while True:
            token = await self._next_token()
            self.show(EnrollView(code, EnrollStatus.SENDING))
            try:
                booth_id = await asyncio.to_thread(
                    enroll, self.identity, self.config.backend_url, token, self.config.ca_file
                )
            except EnrollmentRefused as exc:
                log.warning("enrollment refused: %s", exc)
                self.show(EnrollView(code, EnrollStatus.REFUSED, str(exc)))
                continue
            except OSError as exc:
                log.warning("enrollment: backend unreachable (%s)", type(exc).__name__)
                self.show(EnrollView(code, EnrollStatus.UNREACHABLE))
                continue
            except TpmError as exc:
                log.error("enrollment: the TPM failed: %s", exc)
                self.show(EnrollView(code, EnrollStatus.REFUSED, f"TPM: {exc}"))
                continue
            # Which key the booth proves itself with, for the technician's cable and the image test.
            held = "sealed to the TPM" if self.identity.in_tpm() else "in a file"
            log.info("enrolled as booth %s (its key %s)", booth_id, held)
            return

    async def _key_code(self) -> str:
        """The key's short code, making the key on first start; a failing TPM is shown to the technician
        and tried again (the booth never enrolls with a weaker key than its booth file asks for)."""
        while True:
            try:
                return await asyncio.to_thread(self.identity.short_code)
            except TpmError as exc:
                log.error("the booth key cannot be made or read: %s", exc)
                self.show(EnrollView("----", EnrollStatus.REFUSED, f"TPM: {exc}"))
                await asyncio.sleep(TPM_RETRY_S)

    async def _next_token(self) -> str:
        """The next token typed, or a token file on a stick not tried yet (polled)."""
        while True:
            try:
                return await asyncio.wait_for(self._typed.get(), STICK_POLL_S)
            except TimeoutError:
                pass
            found = await asyncio.to_thread(token_from_stick, self.config.token_file)
            if found is not None and found != self._stick_tried:
                self._stick_tried = found
                return found

    async def renew_loop(self) -> None:
        while True:
            wait = RENEW_CHECK_S
            if self.identity.needs_renewal(self.clock()):
                try:
                    await asyncio.to_thread(renew, self.identity, self.config.backend_url, self.config.ca_file)
                    log.info("booth certificate renewed")
                except (EnrollmentRefused, OSError, TpmError) as exc:
                    log.warning("certificate renewal failed (%s); retrying", exc)
                    wait = RETRY_S
            await asyncio.sleep(wait)

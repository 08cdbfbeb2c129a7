"""The call button: the citizen presses it, the point's advisor sees the alert, the light answers.

The button is a USB-serial button box: a socat pty pair stands in for the
USB-serial link and ``SimButtonBox`` plays the box's firmware on the far end
(DOWN/UP lines in, LED commands out). Everything from the serial line to the
official's browser and back is the real product.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from backend.store.seed import DemoAccounts
from drivers.button_logic import LedState
from drivers.sim.button import SimButtonBox
from tests.e2e.browser import sign_in
from tests.e2e.processes import Backend, Kiosk
from tests.e2e.test_call import read_png
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def button_kiosk(
    tmp_path: Path, backend: Backend, artifacts: Path, serial_pair
) -> Iterator[tuple[Kiosk, SimButtonBox]]:
    shots = artifacts / "screenshots" / "kiosk-call-button"
    shutil.rmtree(shots, ignore_errors=True)
    extra = f'[call_button]\nkind = "serial"\npath = "{serial_pair.device_path}"\n'
    box = SimButtonBox(serial_pair.host_path)
    kiosk = Kiosk(tmp_path, backend.port, shots, extra_config=extra)
    yield kiosk, box
    box.close()
    assert kiosk.stop() == 0, kiosk.log()[-3000:]


def banner_colour(image: np.ndarray) -> tuple[int, int, int]:
    """Mean BGR of the top strip of the booth's screen, where the banner sits."""
    b, g, r = image[: image.shape[0] // 20].reshape(-1, 3).mean(axis=0)
    return int(b), int(g), int(r)


def test_call_button_alerts_the_advisor_and_the_light_answers(backend: Backend, button_kiosk, page, artifacts):
    kiosk, box = button_kiosk
    shots = artifacts / "screenshots"
    # The call button summons the point's advisor (only they, and an official in a call there, see it).
    accounts = DemoAccounts()
    sign_in(page, backend.url, accounts.advisor_username, accounts.advisor_password)
    kiosk.wait_phase("idle")
    # The booth reports its button, and the official sees it is there.
    wait_for(
        "the call button to be reported OK",
        lambda: any(d["role"] == "call_button" and d["state"] == "ok" for d in kiosk.status()["devices"]),
        timeout=15,
    )
    page.wait_for_selector("li.booth >> text=Call button", timeout=10_000)

    box.press()
    alert = page.wait_for_selector("li.booth.assist-requested", timeout=60_000)
    assert "Help requested" in alert.inner_text()
    wait_for("the button's light to come on", lambda: box.led is LedState.ON, timeout=10)
    page.screenshot(path=str(shots / "official-assist-requested.png"))
    requested = wait_for("the booth's banner", lambda: read_png(shots / "kiosk-call-button" / "assist-requested.png"))
    b, g, r = banner_colour(requested)
    assert r > 150 and r > g + 60 and r > b + 60, "the booth shows a red 'advisor called' banner"

    alert.query_selector("button.assist-ack").click()
    wait_for("the button's light to blink", lambda: box.led is LedState.BLINK, timeout=10)
    page.wait_for_selector("li.booth.assist-acknowledged", timeout=10_000)
    acknowledged = wait_for(
        "the booth's 'on the way' banner", lambda: read_png(shots / "kiosk-call-button" / "assist-acknowledged.png")
    )
    b, g, r = banner_colour(acknowledged)
    assert r > 150 and g > 100 and b < 80, "the booth shows an amber 'advisor on the way' banner"

    page.click("li.booth button.assist-clear")
    wait_for("the button's light to go off", lambda: box.led is LedState.OFF, timeout=10)
    page.wait_for_function(
        "() => !document.querySelector('li.booth.assist-requested, li.booth.assist-acknowledged')", timeout=10_000
    )

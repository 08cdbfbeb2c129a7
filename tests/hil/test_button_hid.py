"""The USB HID call button (pyusb).

No USB devices exist on the CI machine, so only the "not plugged in" path runs
here (through real pyusb and libusb). The rest runs against a real button when
a technician names it: ``ETAPISTE_HARDWARE_HID_BUTTON=vid:pid[:serial]``
(optionally ``ETAPISTE_HARDWARE_HID_BUTTON_REPORT=byte:mask``), and presses it
when asked.
"""

from __future__ import annotations

import os
import threading

import pytest

from drivers.button import HidButtonConfig, HidCallButton
from drivers.button_logic import Press, PressKind
from kiosk.config import HidButtonSection
from protocol.messages import DeviceState
from tests.support.waiting import wait_for

pytestmark = pytest.mark.timeout(120)

HID_ENV = "ETAPISTE_HARDWARE_HID_BUTTON"


def test_hid_button_not_plugged_in_is_missing_naming_the_device() -> None:
    # 0xF055:0x0001 is no real product; whatever USB bus this machine has, the button is absent.
    button = HidCallButton(HidButtonConfig(vendor_id=0xF055, product_id=0x0001), lambda _p: None)
    try:
        health = wait_for("MISSING with a reason", lambda: "f055:0001" in (h := button.probe()).reason and h)
        assert health.state is DeviceState.MISSING
    finally:
        button.close()


@pytest.mark.hardware
@pytest.mark.skipif(not os.environ.get(HID_ENV), reason=f"no real HID button: set {HID_ENV}=vid:pid[:serial]")
def test_real_hid_button_reports_a_press_and_a_long_press() -> None:
    section: dict[str, object] = {"kind": "hid", "device": os.environ[HID_ENV]}
    if report := os.environ.get(f"{HID_ENV}_REPORT"):
        byte, mask = report.split(":")
        section |= {"report_byte": int(byte), "report_mask": int(mask, 0)}
    presses: list[Press] = []
    lock = threading.Lock()

    def on_press(press: Press) -> None:
        with lock:
            presses.append(press)

    button = HidCallButton(HidButtonSection.model_validate(section).driver_config(), on_press)
    try:
        wait_for("the HID button to open", lambda: button.probe().state is DeviceState.OK, timeout=10)
        print("\n>>> press the button briefly, then hold it for 3 seconds")
        wait_for("a short press", lambda: PressKind.SHORT in [p.kind for p in presses], timeout=45)
        wait_for("a long press", lambda: PressKind.LONG in [p.kind for p in presses], timeout=45)
        print(">>> now unplug the button")
        wait_for("MISSING after unplug", lambda: button.probe().state is DeviceState.MISSING, timeout=45)
        print(">>> plug it back in")
        wait_for("OK after replug", lambda: button.probe().state is DeviceState.OK, timeout=45)
    finally:
        button.close()

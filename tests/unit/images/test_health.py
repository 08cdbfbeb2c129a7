"""The health check's verdict: mark a healthy slot good, roll back an unhealthy slot on trial, never a good one."""

from __future__ import annotations

from images.health import Health, booted_slot, decide, on_trial


def test_the_booted_slot_comes_from_the_kernel_command_line():
    assert booted_slot("root=PARTUUID=x ro rauc.slot=b console=ttyS0") == "b"
    assert booted_slot("root=/dev/sda2 ro") == ""


def test_a_slot_is_on_trial_while_its_entry_counts_boots():
    assert on_trial("b", ["etapiste-a.conf", "etapiste-b+0-1.conf"])
    assert on_trial("b", ["etapiste-a.conf", "etapiste-b+1.conf"])
    assert not on_trial("a", ["etapiste-a.conf", "etapiste-b+0-1.conf"])


def test_verdicts():
    healthy = Health(slot="b", on_trial=True, kiosk_active=True, backend_reachable=True)
    assert decide(healthy) == "mark-good"
    broken = Health(slot="b", on_trial=True, kiosk_active=False, backend_reachable=True)
    assert decide(broken) == "roll-back"
    assert broken.problems == ["the kiosk is not running"]
    outage = Health(slot="a", on_trial=False, kiosk_active=True, backend_reachable=False)
    assert decide(outage) == "keep"  # a backend outage never makes good booths reboot

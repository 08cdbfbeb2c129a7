"""Calls across a real (namespaced) network: direct, TURN-only, a cut line, a slow lossy line.

The booth (kiosk process) runs in one network namespace, the official's
Chromium in another, the backend and coturn on the bridge between them
(tests/e2e/netns.py). Everything crosses TLS: the booth's websocket, the
page, and TURN over TLS. Each end reports its selected ICE pair (the page's
``getStats``, the booth's status file) and its frame counters.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from etapiste.turn_server import turnserver_available
from tests.e2e.net_call import Call, booth_in, chromium_in, turn_and_backend
from tests.e2e.netns import LabNet, lab_network, usable
from tests.e2e.processes import Backend, Kiosk
from tests.support.waiting import wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(usable() is not None, reason=str(usable())),
    pytest.mark.skipif(not turnserver_available(), reason="coturn is not installed (./scripts/setup)"),
]


@pytest.fixture(scope="module")
def net() -> Iterator[LabNet]:
    with lab_network() as made:
        yield made


@pytest.fixture(scope="module")
def turn_backend(net: LabNet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with turn_and_backend(tmp_path_factory.mktemp("netpaths")) as backend:
        yield backend


@pytest.fixture(scope="module")
def netns_chromium(net: LabNet, tmp_path_factory: pytest.TempPathFactory, playwright_driver):
    with chromium_in(net, tmp_path_factory.mktemp("netns-chromium"), playwright_driver) as browser:
        yield browser


@pytest.fixture
def call_setup(net: LabNet, turn_backend: Backend, netns_chromium, tmp_path: Path, artifacts: Path) -> Iterator[Any]:
    """``start()`` (after the test shaped the network): the booth and the page, admitted into a call."""
    made: list[Any] = []

    def start(name: str) -> Call:
        shots = artifacts / "screenshots" / f"kiosk-net-{name}"
        shutil.rmtree(shots, ignore_errors=True)
        kiosk = booth_in(net, turn_backend, tmp_path, shots)
        made.append(kiosk)
        context = netns_chromium.new_context(
            viewport={"width": 1280, "height": 800}, permissions=["camera", "microphone"]
        )
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        call = Call.place(kiosk, page, turn_backend)
        page.screenshot(path=str(artifacts / "screenshots" / f"official-net-{name}.png"))
        return call

    yield start
    for thing in reversed(made):
        if isinstance(thing, Kiosk):
            code = thing.stop()
            (artifacts / "kiosk-netns.log").write_text(thing.log())
            assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{thing.log()[-3000:]}"
        else:
            thing.close()
    for side in net.sides:
        side.reset()


def test_direct_path_then_a_10_s_cut_then_384_kbps_with_5_percent_loss(net: LabNet, call_setup, artifacts: Path):
    """One call through three states of the line: direct, cut for 10 s, slow and lossy."""
    call = call_setup("direct")
    # Direct: the two namespaces reach each other across the bridge, so no relay.
    page_pair = wait_for("the page's selected pair", call.page_pair)
    booth_pair = wait_for("the booth's selected pair", call.booth_pair)
    assert page_pair["local"] in ("host", "srflx") and page_pair["remote"] in ("host", "srflx", "prflx"), page_pair
    assert booth_pair["local"] in ("host", "srflx") and booth_pair["relay_protocol"] == "", booth_pair
    call.record(artifacts, "direct")

    # The booth's line is cut for 10 s in the middle of the call; then frames advance on both ends again
    # within the stated 30 s, with nobody touching anything.
    net.booth.cut()
    time.sleep(10)  # the cut's length is the case itself, not a wait for a state
    net.booth.mend()
    mended = time.monotonic()
    call.frames_advance("frames on both ends after the 10 s cut", stalled_after=30)
    assert call.kiosk.status()["phase"] == "in_call"
    call.record(artifacts, "after_10_s_cut", frames_again_after_s=round(time.monotonic() - mended, 1))

    # 384 kbit/s each way with 5 % of packets lost at random: the call holds.
    net.booth.slow_line(384, 5)
    for step in range(3):
        call.frames_advance(f"frames on both ends on a 384 kbit/s line with 5 % loss ({step + 1}/3)", frames=20)
    assert call.kiosk.status()["phase"] == "in_call"
    call.record(artifacts, "384_kbit_5_percent_loss")


def test_with_udp_blocked_at_both_ends_the_call_is_relayed_over_tcp_or_tls(net: LabNet, call_setup, artifacts: Path):
    """Only TCP and TLS get out of either end: both reach coturn over TCP/TLS and the call is relayed."""
    for side in net.sides:
        side.block_udp()
    call = call_setup("turn-only")
    page_pair = wait_for("the page's selected pair", call.page_pair)
    booth_pair = wait_for("the booth's selected pair", call.booth_pair)
    assert page_pair["local"] == "relay" and page_pair["relay_protocol"] in ("tcp", "tls"), page_pair
    assert booth_pair["local"] == "relay" and booth_pair["relay_protocol"] in ("tcp", "tls"), booth_pair
    call.frames_advance("frames on both ends through TURN over TCP/TLS", frames=60)
    call.record(artifacts, "udp_blocked")

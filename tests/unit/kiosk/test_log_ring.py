"""The kiosk's log ring: the newest lines, oldest first, cut to the bundle's size."""

from __future__ import annotations

import logging

from kiosk.log_ring import LogRing


def test_the_bundle_holds_the_newest_lines_that_fit():
    ring = LogRing(lines=5)
    log = logging.getLogger("test.ring")
    log.addHandler(ring)
    log.setLevel(logging.INFO)
    try:
        for i in range(8):
            log.info("line %d", i)
    finally:
        log.removeHandler(ring)
    lines = ring.bundle().splitlines()
    assert [x.rsplit(" ", 1)[1] for x in lines] == ["3", "4", "5", "6", "7"]
    assert ring.bundle(max_bytes=len(lines[-1]) + 1).splitlines() == lines[-1:]

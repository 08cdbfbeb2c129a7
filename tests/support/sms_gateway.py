"""The SMS operator's gateway as a test stand-in: a real local HTTP server (backend.notify.fake_gateway)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.notify.fake_gateway import FakeSmsGateway


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    gw = FakeSmsGateway().start()
    yield gw
    gw.stop()

"""The booth tells the officials which screen-only language the citizen reads; nothing else passes."""

from __future__ import annotations

import pytest

from backend.domain.calls import Arrival, BrokerError, CallBroker, WalkIn
from protocol.messages import ErrorCode
from tests.unit.backend.domain.test_routing import PERSONAL, broker, official  # noqa: F401 - fixture


def test_the_lobby_entry_carries_the_screen_language_beside_the_meeting_language(broker):  # noqa: F811
    official(broker, "o1", "tax", {PERSONAL.id}, languages=("fi",))
    broker.request("b1", "s1", 0.0, WalkIn(PERSONAL.id, "fi"), screen_language="ru")
    (entry,) = broker.presence().lobby
    assert (entry.language, entry.screen_language) == ("fi", "ru")


def test_a_citizen_who_reads_the_meeting_language_has_no_screen_language(broker: CallBroker):  # noqa: F811
    broker.request("b1", "s1", 0.0, WalkIn(PERSONAL.id, "sv"))
    assert broker.presence().lobby[0].screen_language is None


@pytest.mark.parametrize("code", ["de", "fi"])
def test_a_language_that_is_not_a_screen_only_one_is_refused_naming_the_field(broker, code: str):  # noqa: F811
    with pytest.raises(BrokerError, match=r"screen_language: .* is not a screen-only language") as refused:
        broker.request("b1", "s1", 0.0, screen_language=code)
    assert refused.value.code is ErrorCode.NOT_ALLOWED
    assert broker.presence().lobby == ()


def test_a_checked_in_citizen_who_reads_russian_is_shown_so(broker: CallBroker):  # noqa: F811
    arrival = Arrival("K7M2QX", "o1", "Henkilöverotus", 0.0, language="fi", screen_language="ru")
    broker.checked_in("b1", "s1", 0.0, arrival)
    (entry,) = broker.presence().lobby
    assert (entry.booking_code, entry.language, entry.screen_language) == ("K7M2QX", "fi", "ru")

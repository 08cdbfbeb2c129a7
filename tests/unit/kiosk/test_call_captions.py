"""What the booth writes under each remote picture: the name, then the role in the citizen's language."""

from __future__ import annotations

from kiosk.screens.call import caption
from protocol.messages import Participant, ParticipantRole


def test_a_guest_is_named_with_their_duty_in_the_citizens_one_language():
    viivi = Participant(peer="g2", role=ParticipantRole.GUEST, name="Viivi Viittoja", duty="sign_interpreter")
    assert caption(viivi, "fi") == "Viivi Viittoja\nViittomakielen tulkki"
    assert caption(viivi, "sv") == "Viivi Viittoja\nTeckenspråkstolk"
    assert caption(viivi, "ru") == "Viivi Viittoja\nСурдопереводчик"


def test_the_official_and_a_guest_without_a_duty():
    veera = Participant(peer="o1", role=ParticipantRole.OFFICIAL, name="Veera")
    assert caption(veera, "en") == "Veera\nOfficial"
    older = Participant(peer="g3", role=ParticipantRole.GUEST, name="Tuula")  # from an older backend
    assert caption(older, "fi") == "Tuula\nTapaamisen vieras"

"""The alarm ladder: who hears about an alarm nobody has answered, and when.

An alarm (a stored advisor alert: the call button, a refused check-in, an
official no-show, a device fault) climbs one level each ``after_s`` seconds
(default 30) while nobody has acknowledged it:

- level 0, at once: the advisors of the point who are on duty (signed in now);
  if none is, every advisor of the point — someone must hear it;
- level 1: every advisor of the point, again, as an urgent alarm (phones that
  were silent for level 0 ring now too);
- level 2 (alarms at a booth only): the official in a call at that booth is
  told "no advisor has answered", so the citizen is not left alone. This is the
  last level; the alarm stays open in every advisor's list until someone takes it.

Pure: the escalation pass (``backend.alarms``) passes ``now`` in and carries
out the effects. Retrying a push that failed is the sender's business
(``backoff_s``), not a new level: a phone that is offline gets the same alarm
when it is back, never a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

#: The last level of the ladder.
LAST_LEVEL = 2


class Audience(StrEnum):
    ON_DUTY = "on_duty"  # the point's advisors signed in now (or all, if nobody is)
    EVERY_ADVISOR = "every_advisor"


class AlarmSettings(BaseModel):
    """The ``alarms`` group of ``backend.config.BackendSettings`` (``ETAPISTE_ALARMS_*``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: seconds an alarm waits for an acknowledgement before it climbs a level.
    escalate_after_s: float = Field(30.0, gt=0)
    #: how often the escalation and delivery pass runs (it also runs at once when an alarm is raised).
    check_every_s: float = Field(1.0, gt=0)
    #: the VAPID ``sub`` claim: who the push services may contact about this server.
    vapid_subject: str = Field("mailto:tuki@etapiste.invalid", pattern=r"^(mailto:|https://)\S+$")
    #: seconds a push service keeps an alarm for a phone that is offline (the push's TTL).
    push_ttl_s: int = Field(3600, ge=0, le=86400)


@dataclass(frozen=True)
class OpenAlarm:
    """An alarm as the ladder needs it."""

    alert_id: str
    level: int
    raised_at: float
    acknowledged: bool
    at_booth: bool  # raised at a booth (an official may be in a call there)


@dataclass(frozen=True)
class Push:
    """Push the alarm to ``audience``'s phones, marked as sent at ``level``."""

    alert_id: str
    audience: Audience
    level: int


@dataclass(frozen=True)
class TellOfficialInCall:
    """Tell the official in a call at the alarm's booth that no advisor has answered."""

    alert_id: str


@dataclass(frozen=True)
class SetLevel:
    alert_id: str
    level: int
    closed: bool  # nothing more will happen: the pass stops looking at it


Effect = Push | TellOfficialInCall | SetLevel


def raised(alert_id: str) -> list[Effect]:
    """A new alarm (its ladder row starts at level 0): the on-duty advisors' phones ring at once."""
    return [Push(alert_id, Audience.ON_DUTY, 0)]


def step(alarm: OpenAlarm, now: float, settings: AlarmSettings) -> list[Effect]:
    """What is due for ``alarm`` at ``now``; nothing if it was answered or its next level is not due."""
    if alarm.acknowledged:
        return [SetLevel(alarm.alert_id, alarm.level, closed=True)]
    due = alarm.raised_at + (alarm.level + 1) * settings.escalate_after_s
    if now < due or alarm.level >= LAST_LEVEL:
        return []
    level = alarm.level + 1
    if level == 1:
        return [
            Push(alarm.alert_id, Audience.EVERY_ADVISOR, 1),
            SetLevel(alarm.alert_id, 1, closed=False),
        ]
    out: list[Effect] = [TellOfficialInCall(alarm.alert_id)] if alarm.at_booth else []
    return [*out, SetLevel(alarm.alert_id, level, closed=True)]


def backoff_s(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed pushes: 1, 2, 4 … capped at 5 minutes.

    Never gives up: the alarm stays pending until the push service takes it
    or says the subscription is gone.
    """
    return float(min(300, 2 ** max(0, attempts - 1)))

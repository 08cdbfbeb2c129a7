"""Resume tokens: a dropped socket comes back into the session it left, as pure code.

A socket drops for reasons that say nothing about the citizen or the official:
a Wi-Fi blip, a proxy's idle timeout, a backend restart. Media between booth
and browser is peer-to-peer and goes on meanwhile, so ending the call because
the signalling socket blinked would be the system's fault, not anyone's choice.

Every ``welcome`` carries a fresh token. The book keeps only its hash
(``backend.auth.token_hash``), bound to the one party it was given to. While the
socket it was given on is open the token is *live*; when that socket closes
it stays valid for ``grace_s`` seconds. A ``hello`` that presents it in time,
as the same party, takes it (once: a token is never valid twice) and keeps
the session; anything else (an unknown, expired or other party's token) is a
fresh start, as before resume existed.

No clock reads: ``now`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

P = TypeVar("P")


@dataclass
class _Held(Generic[P]):
    party: P
    #: None while the socket it was given on is open; then when it stops being valid.
    expires_at: float | None = None


@dataclass
class ResumeBook(Generic[P]):
    """Hashed resume tokens by party; ``grace_s`` 0 turns resuming off."""

    grace_s: float
    _held: dict[str, _Held[P]] = field(default_factory=dict)

    def issue(self, party: P, hashed: str) -> None:
        """A token was given to ``party`` on a socket that is open now."""
        self._held[hashed] = _Held(party)

    def restore(self, hashed: str, party: P, expires_at: float) -> None:
        """A token the last run gave out, loaded from the store (valid until ``expires_at``)."""
        self._held[hashed] = _Held(party, expires_at)

    def released(self, hashed: str, now: float) -> None:
        """The socket the token was given on closed: it is valid for the grace period from now."""
        held = self._held.get(hashed)
        if held is not None and held.expires_at is None:
            held.expires_at = now + self.grace_s

    def take(self, party: P, hashed: str, now: float) -> bool:
        """Whether ``hashed`` resumes ``party`` now; a token that does is taken (valid once).

        A live token (its socket still looks open: a half-open connection the
        peer has already given up on) resumes too.
        """
        self.prune(now)
        held = self._held.get(hashed)
        if held is None or held.party != party or self.grace_s <= 0:
            return False
        del self._held[hashed]
        return True

    def forget(self, party: P) -> None:
        """The party's grace period ended without a resume (or it started afresh): its tokens go."""
        for hashed in [h for h, held in self._held.items() if held.party == party and held.expires_at is not None]:
            del self._held[hashed]

    def prune(self, now: float) -> None:
        """Drop the tokens whose grace period is over."""
        for hashed in [h for h, held in self._held.items() if held.expires_at is not None and held.expires_at <= now]:
            del self._held[hashed]

    def __len__(self) -> int:
        return len(self._held)

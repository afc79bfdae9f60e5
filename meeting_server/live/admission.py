"""What a socket's handshake reads, kept in memory so that a tablet that reconnects costs no
database round trip: the session behind each token, each user's role in each meeting, and the
last seq of each meeting.

* **Sessions** (by token hash): the user, when the session expires and when it was last used.
  Dropped at once by signing out (``session_ended``), by deactivation, a new password or the
  revocation of a user's sessions (``user_revoked``) and by any change to the user
  (``user_changed``: a new role changes what they may follow) — on this instance directly and
  on the others through the bus. An entry is used only while the session counts by the rule
  sign-ins use (``auth.check_session``: not expired, not idle too long for staff); at most
  :data:`SESSION_SECONDS` after it was read (which bounds what no hook reports, such as a new
  second-factor policy).
* **Roles** (by meeting and user): the meeting and the user's role in it, dropped whenever the
  meeting logs an event (``participant.removed``, ``participant.added``, ``meeting.updated``,
  anything) and by ``user_changed``/``user_revoked``.
* **Seqs** (by meeting): the last seq, fed by the committed events handed to the hub and by the
  reads the handshakes make anyway; only ever raised.

Reads and revocations race: an entry read in a transaction that began before a revocation was
committed must not be kept after it. Every invalidation bumps :attr:`Admissions.generation`;
an entry is stored only if no invalidation happened during its read, and a socket checks
after subscribing (synchronously, so no revocation can slip between) that nothing changed since
its handshake, else it is checked again against the database.

With several instances the cache is trusted only while the bus listens to Redis
(:attr:`Admissions.trusted`); otherwise every handshake reads the database, as revocations
from the other instances could be missed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from meeting_server.models import Meeting, User

#: The longest a session read from the database is used without reading it again.
SESSION_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    expires_at: datetime
    last_active: datetime
    read_at: float  # time.monotonic()


class Admissions:
    def __init__(self) -> None:
        self.generation = 0
        self.trusted = True
        self._sessions: dict[str, Session] = {}
        self._tokens_of: dict[int, set[str]] = {}
        self._roles: dict[int, dict[int, tuple[Meeting, str | None]]] = {}
        self._seqs: dict[int, int] = {}
        self._swept = time.monotonic()
        #: Handshakes answered from memory / from the database (for tests and the bench).
        self.hits = 0
        self.misses = 0

    # ---------------------------------------------------------------- sessions

    def session(self, token_hash: str) -> Session | None:
        if not self.trusted:
            return None
        found = self._sessions.get(token_hash)
        if found is not None and time.monotonic() - found.read_at > SESSION_SECONDS:
            self._forget_session(token_hash)
            return None
        return found

    def keep_session(self, token_hash: str, session: Session, generation: int) -> None:
        if not self.trusted or generation != self.generation:
            return
        self._sessions[token_hash] = session
        self._tokens_of.setdefault(session.user.id, set()).add(token_hash)
        if session.read_at - self._swept > SESSION_SECONDS:  # tokens never seen again
            self._swept = session.read_at
            for old in [t for t, found in self._sessions.items()
                        if session.read_at - found.read_at > SESSION_SECONDS]:
                self._forget_session(old)

    def _forget_session(self, token_hash: str) -> None:
        found = self._sessions.pop(token_hash, None)
        if found is not None:
            tokens = self._tokens_of.get(found.user.id)
            if tokens is not None:
                tokens.discard(token_hash)
                if not tokens:
                    del self._tokens_of[found.user.id]

    # ---------------------------------------------------------------- roles

    def role(self, meeting_id: int, user_id: int) -> tuple[Meeting, str | None] | None:
        if not self.trusted:
            return None
        return self._roles.get(meeting_id, {}).get(user_id)

    def keep_role(self, meeting: Meeting, user_id: int, role: str | None, seq: int,
                  generation: int) -> None:
        """Keep the role read as of event ``seq`` unless the meeting has logged more since."""
        if (not self.trusted or generation != self.generation
                or self._seqs.get(meeting.id, 0) > seq):
            return
        self._roles.setdefault(meeting.id, {})[user_id] = (meeting, role)

    # ---------------------------------------------------------------- seqs

    def seq(self, meeting_id: int) -> int | None:
        return self._seqs.get(meeting_id)

    def saw_seq(self, meeting_id: int, seq: int) -> None:
        if seq > self._seqs.get(meeting_id, 0):
            self._seqs[meeting_id] = seq

    # ---------------------------------------------------------------- invalidation

    def meeting_changed(self, meeting_id: int, seq: int) -> None:
        """An event was committed: the meeting or its participants may have changed."""
        self.saw_seq(meeting_id, seq)
        if self._roles.pop(meeting_id, None) is not None:
            self.generation += 1

    def session_ended(self, token_hash: str) -> None:
        self.generation += 1
        self._forget_session(token_hash)

    def user_changed(self, user_id: int) -> None:
        """Sessions revoked, deactivated, or any change to the user (role, unit, name)."""
        self.generation += 1
        for token_hash in list(self._tokens_of.get(user_id, ())):
            self._forget_session(token_hash)
        for roles in self._roles.values():
            roles.pop(user_id, None)

    def forget_all(self) -> None:
        self.generation += 1
        self._sessions.clear()
        self._tokens_of.clear()
        self._roles.clear()

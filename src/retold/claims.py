"""A worker's claims on work items: leases in the store, renewed while the work goes on.

The stages take an optional ``Claims``. Without one (``retold run``, which holds the
newsroom lock) they process every ready item. With one (``retold worker``) they process
only the items they could lease, skip those another worker holds (remembering them in
``busy``), and look again, under the lease, that the item is still ready: another worker
may have finished it between the listing and the lease. A worker that dies stops renewing;
its leases run out and the items go to whoever asks next.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from retold.store import leases
from retold.store.db import Database
from retold.store.schema import utcnow

log = logging.getLogger("retold")


def worker_name() -> str:
    """host:pid:random, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Claims:
    def __init__(
        self,
        db: Database,
        *,
        seconds: float = 60,
        holder: str | None = None,
        since: datetime | None = None,
    ) -> None:
        self.db = db
        self.seconds = seconds
        self.holder = holder or worker_name()
        # Work done by anyone after this moment counts as done for this cycle.
        self.since = since or utcnow()
        self.busy: set[str] = set()  # names skipped because another worker held them
        self.taken = 0
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat = threading.Thread(target=self._renew_loop, daemon=True, name="leases")
        self._heartbeat.start()

    def take(self, name: str) -> bool:
        with self.db.transaction() as session:
            mine = leases.acquire(session, name, self.holder, self.seconds)
        if mine:
            with self._lock:
                self._held.add(name)
            self.taken += 1
        else:
            self.busy.add(name)
        return mine

    def release(self, name: str) -> None:
        with self._lock:
            self._held.discard(name)
        with self.db.transaction() as session:
            leases.release(session, name, self.holder)

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        """Yields True with the lease held (released after), False when another has it."""
        mine = self.take(name)
        try:
            yield mine
        finally:
            if mine:
                self.release(name)

    def others_hold(self, prefix: str) -> set[str]:
        """Names under ``prefix`` that other workers hold now."""
        with self.db.transaction() as session:
            return {
                lease.name
                for lease in leases.holders(session, prefix)
                if lease.holder != self.holder
            }

    def wait_for_others(self, poll: float = 0.25) -> bool:
        """Wait until every name in ``busy`` is released or has expired.

        True when one expired (its holder died: the caller takes it over), False when all
        were released (their holders finished them).
        """
        names = set(self.busy)
        while names:
            with self.db.transaction() as session:
                held, expired = leases.expired_among(session, names)
            if expired:
                return True
            names = held
            if names:
                time.sleep(poll)
        return False

    def _renew_loop(self) -> None:
        # A third of the lease: two renewals can fail (a slow store) before it runs out.
        while not self._stop.wait(self.seconds / 3):
            with self._lock:
                names = sorted(self._held)
            if not names:
                continue
            try:
                with self.db.transaction() as session:
                    lost = leases.renew(session, names, self.holder, self.seconds)
            except Exception as err:  # noqa: BLE001 - the next beat tries again
                log.warning("Could not renew %d lease(s): %s", len(names), err)
                continue
            for name in lost:
                # Expired and taken over (the store was unreachable for a whole lease): the
                # other worker's result and ours are the same work; the stage's own checks
                # keep only one.
                log.warning("Lost the lease on %s to another worker.", name)

    def close(self) -> None:
        self._stop.set()
        self._heartbeat.join(timeout=5)
        with self._lock:
            names, self._held = sorted(self._held), set()
        if names:
            with self.db.transaction() as session:
                for name in names:
                    leases.release(session, name, self.holder)


@contextmanager
def claim(claims: Claims | None, name: str) -> Iterator[bool]:
    """The stages' one way to ask: True when this process may work on ``name`` now.

    Without claims (a single `retold run`, under the newsroom lock) the answer is always yes.
    """
    if claims is None:
        yield True
        return
    with claims.hold(name) as mine:
        yield mine

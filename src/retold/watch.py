"""`retold watch`: the pipeline on an interval, for a newsroom left running.

Each cycle is one ``retold run`` with per-source schedules honoured (a feed read no
sooner than its ``ttl``/``sy:updatePeriod`` or its server's ``Cache-Control`` ask, a
failing one after its back-off or ``Retry-After``), ending, like every run, with the
site rebuilt. Between cycles the newsroom lock is free, so ``retold build``, ``approve``
or a cron job can work; a cycle that finds the lock taken is skipped with a warning.

What stops the loop: Ctrl-C or SIGTERM (the run in hand records itself interrupted;
everything finished is saved), or an error in the newsroom's own settings (exit 2).
What doesn't: a failing source, a model server that is down (stories stay pending), a
full disk or a locked database (the cycle is recorded failed and the next one retries).

After a cycle, once ``[digest] hour`` (UTC) has come, the day's digest is made and mailed
(``digest_if_due``) unless it went out already; a digest that fails is a warning, and the
next cycle mails whoever it missed.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from retold.daily import store as daily_store
from retold.daily.digest import DigestResult, make_digest
from retold.errors import NewsroomLocked, RetoldError
from retold.logs import log_context
from retold.newsroom import Newsroom
from retold.pipeline import run, stop_signals_interrupt
from retold.stages.report import RunReport

log = logging.getLogger("retold")


@dataclass(frozen=True)
class WatchSettings:
    interval: float = 900.0  # seconds between the starts of two cycles
    jitter: float = 0.1  # each wait is the interval ± this share, so newsrooms don't align
    cycles: int | None = None  # stop after this many (None: until stopped)
    seed: int | None = None


@dataclass
class WatchState:
    """What the loop knows, for /healthz and the metrics: updated after each cycle."""

    cycles: int = 0
    failed_cycles: int = 0
    consecutive_failures: int = 0
    last_status: str = ""  # ok | partial | pending | failed | skipped
    last_error: str = ""
    last_finished: float | None = None  # time.time()
    interval: float = 0.0

    def healthy(self, now: float | None = None) -> bool:
        """Alive and not stuck: the last cycle did not fail, and one finished recently."""
        if self.consecutive_failures:
            return False
        if self.last_finished is None:
            return True  # the first cycle is under way
        return (now or time.time()) - self.last_finished <= 3 * self.interval + 60


_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_interval(text: str) -> float:
    """Seconds from "90", "90s", "15m", "1.5h" or "1d" (ValueError with a sentence)."""
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in _UNITS else ""
    number = value[: len(value) - len(unit)]
    try:
        seconds = float(number) * _UNITS[unit]
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(
            f"'{text}' is not an interval; write it like 90s, 15m, 1h or 1d (more than zero)."
        )
    return seconds


def next_wait(settings: WatchSettings, started: float, now: float, rng: random.Random) -> float:
    """Seconds to sleep so the next cycle starts one jittered interval after this one."""
    spread = settings.interval * settings.jitter
    target = started + settings.interval + rng.uniform(-spread, spread)
    return max(0.0, target - now)


def watch(
    room: Newsroom,
    settings: WatchSettings,
    state: WatchState | None = None,
    *,
    on_cycle: Callable[[WatchState, RunReport | None], None] | None = None,
    run_cycle: Callable[[Newsroom], RunReport] | None = None,
    after_cycle: Callable[[Newsroom], object] | None = None,
) -> WatchState:
    """Run cycles until stopped (KeyboardInterrupt) or ``settings.cycles`` are done.

    ``after_cycle`` (e.g. ``digest_if_due``) runs after each, with the newsroom lock free.
    """
    state = state or WatchState()
    state.interval = settings.interval
    rng = random.Random(settings.seed)
    cycle = run_cycle or (lambda r: run(r, scheduled=True))
    with stop_signals_interrupt():
        while settings.cycles is None or state.cycles < settings.cycles:
            started = time.time()
            with log_context(cycle=state.cycles + 1):
                report = _one_cycle(room, cycle, state)
            if on_cycle is not None:
                on_cycle(state, report)
            if after_cycle is not None:
                with log_context(cycle=state.cycles):
                    after_cycle(room)
            if settings.cycles is not None and state.cycles >= settings.cycles:
                break
            wait = next_wait(settings, started, time.time(), rng)
            log.info("Next cycle in %.0f s.", wait, extra={"event": "sleep", "duration_s": wait})
            time.sleep(wait)  # SIGTERM or Ctrl-C here stops at once: nothing is in hand
    return state


def _one_cycle(
    room: Newsroom, cycle: Callable[[Newsroom], RunReport], state: WatchState
) -> RunReport | None:
    state.cycles += 1
    report: RunReport | None = None
    try:
        report = cycle(room)
    except NewsroomLocked as err:
        state.last_status, state.last_error = "skipped", str(err)
        log.warning("Cycle skipped: %s", err, extra={"event": "cycle", "status": "skipped"})
    except RetoldError as err:
        if err.exit_code == 2:
            raise  # the settings are wrong: no later cycle can fix that
        _failed(state, err)  # the disk, the database: the next cycle may find it fixed
    except Exception as err:  # noqa: BLE001 - a bug in one cycle must not end the watch
        _failed(state, err)
    else:
        state.last_status, state.last_error = report.status, ""
        state.consecutive_failures = 0
        log.info(
            "Cycle %d: %s.",
            state.cycles,
            report.status,
            extra={"event": "cycle", "status": report.status, "counts": dict(report.counts)},
        )
    state.last_finished = time.time()
    return report


def _failed(state: WatchState, err: BaseException) -> None:
    state.failed_cycles += 1
    state.consecutive_failures += 1
    state.last_status = "failed"
    state.last_error = str(err) or type(err).__name__
    log.error(
        "Cycle %d failed: %s The next cycle will try again.",
        state.cycles,
        state.last_error,
        extra={"event": "cycle", "status": "failed"},
    )


def digest_due(now: datetime, hour: int, *, made: bool, sent: bool, mailing: bool) -> bool:
    """Whether to make today's digest now: ``hour`` (UTC) has come today, and today's digest
    has not gone out yet (with no mail server: has not been made yet)."""
    if now.astimezone(UTC).hour < hour:
        return False
    return not (sent if mailing else made)


def digest_if_due(room: Newsroom, now: datetime | None = None) -> DigestResult | None:
    """Make (and mail) today's digest if it is due; a failure is a warning, never fatal.

    Deliveries are recorded one by one, so the retry at the next cycle mails only the
    readers this one missed.
    """
    cfg = room.settings.digest
    if not cfg.send_from_watch:
        return None
    now = (now or datetime.now(UTC)).astimezone(UTC)
    day = now.strftime("%Y-%m-%d")
    with room.db.transaction() as session:
        row = session.get(daily_store.Digest, day)
        made, sent = row is not None, row is not None and row.sent_at is not None
    if not digest_due(now, cfg.hour, made=made, sent=sent, mailing=bool(cfg.smtp_host)):
        return None
    try:
        with room.writing("digest"):
            result = make_digest(room, day=day)
    except Exception as err:  # noqa: BLE001 - the digest must not stop the newsroom
        log.warning(
            "The digest for %s was not finished: %s The next cycle will try again.",
            day,
            str(err) or type(err).__name__,
            extra={"event": "digest", "status": "failed"},
        )
        return None
    log.info(
        "Digest for %s made; mailed to %d subscribers.",
        day,
        result.sent,
        extra={"event": "digest", "status": "ok", "sent": result.sent},
    )
    return result

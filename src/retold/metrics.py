"""Metrics in the Prometheus text format, and /healthz, for a newsroom left running.

Two kinds of figures, both from ``prometheus_client``:

- what this process saw, updated after each cycle of `retold watch`: cycles by status,
  stage latency histograms (wall seconds) and counters of what the runs did
  (documents extracted, articles published, ...);
- what the store holds, read at each scrape (so another process's runs count too):
  items per stage and state, each source's health, model tokens and cost per model.

``serve_metrics`` answers ``/metrics`` and ``/healthz`` on 127.0.0.1 (another address
only when asked) from a daemon thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from retold.newsroom import Newsroom
from retold.stages.report import RunReport
from retold.store import sources as sources_store
from retold.store import stats as stats_store
from retold.store.schema import aware
from retold.watch import WatchState

STAGE_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


class RunMetrics:
    """Counters and histograms of the cycles this process ran."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.cycles = Counter(
            "retold_cycles", "Pipeline cycles run, by how they ended.", ["status"],
            registry=registry,
        )  # fmt: skip
        self.stage_seconds = Histogram(
            "retold_stage_duration_seconds", "Wall time of each pipeline stage.", ["stage"],
            buckets=STAGE_BUCKETS, registry=registry,
        )  # fmt: skip
        self.events = Counter(
            "retold_events", "What the runs did (documents extracted, articles published...).",
            ["event"], registry=registry,
        )  # fmt: skip

    def record(self, state: WatchState, report: RunReport | None) -> None:
        self.cycles.labels(state.last_status or "unknown").inc()
        if report is None:
            return
        for stage, (wall, _cpu) in report.timings.items():
            self.stage_seconds.labels(stage).observe(wall)
        for event, n in report.counts.items():
            if n > 0:
                self.events.labels(event).inc(n)


class StoreCollector(Collector):
    """Figures read from the newsroom's store at each scrape."""

    def __init__(self, room: Newsroom) -> None:
        self.room = room

    def collect(self) -> Iterator[Metric]:
        items = GaugeMetricFamily(
            "retold_stage_items", "Items per pipeline stage and state.", labels=["stage", "state"]
        )
        up = GaugeMetricFamily(
            "retold_source_up", "1 when the source's last read succeeded.", labels=["source"]
        )
        failures = GaugeMetricFamily(
            "retold_source_consecutive_failures", "Failed reads in a row.", labels=["source"]
        )
        last_ok = GaugeMetricFamily(
            "retold_source_last_success_timestamp_seconds",
            "When the source was last read successfully.",
            labels=["source"],
        )
        tokens = CounterMetricFamily(
            "retold_model_tokens", "Model tokens used.", labels=["model", "direction"]
        )
        cost = CounterMetricFamily(
            "retold_model_cost", "Model cost, at the prices in retold.toml.", labels=["model"]
        )
        with self.room.db.transaction() as session:
            for stage, states in stats_store.stages(session).items():
                for state, n in states.items():
                    items.add_metric([stage, state], n)
            for source in sources_store.list_sources(session):
                if not source.enabled:
                    continue
                healthy = source.consecutive_failures == 0 and source.last_success is not None
                up.add_metric([source.url], 1.0 if healthy else 0.0)
                failures.add_metric([source.url], source.consecutive_failures)
                if source.last_success is not None:
                    last_ok.add_metric([source.url], aware(source.last_success).timestamp())
            models, _ = stats_store.usage(session, self.room.settings.writer.prices)
        for row in models:
            name = f"{row['backend']}/{row['model']}"
            tokens.add_metric([name, "in"], row["tokens_in"])
            tokens.add_metric([name, "out"], row["tokens_out"])
            cost.add_metric([name], row["cost"])
        yield from (items, up, failures, last_ok, tokens, cost)


def registry_for(room: Newsroom) -> tuple[CollectorRegistry, RunMetrics]:
    registry = CollectorRegistry()
    registry.register(StoreCollector(room))
    return registry, RunMetrics(registry)


def health(state: WatchState) -> tuple[int, dict[str, Any]]:
    """The /healthz answer: 200 while cycles succeed and keep coming, else 503."""
    body = {
        "status": "ok" if state.healthy() else "failing",
        "cycles": state.cycles,
        "failed_cycles": state.failed_cycles,
        "consecutive_failures": state.consecutive_failures,
        "last_status": state.last_status,
        "last_error": state.last_error,
        "last_finished": state.last_finished,
    }
    return (200 if state.healthy() else 503), body


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(registry: CollectorRegistry, state: WatchState) -> WSGIApp:
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            code, body = health(state)
            start_response(
                f"{code} {'OK' if code == 200 else 'Service Unavailable'}",
                [("Content-Type", "application/json")],
            )
            return [json.dumps(body).encode()]
        if path == "/metrics":
            return metrics(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found: try /metrics or /healthz.\n"]

    return app


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass  # scrapes every few seconds would drown the newsroom's own log


def serve_metrics(app: WSGIApp, host: str, port: int) -> WSGIServer:
    """Serve ``app`` on host:port from a daemon thread; returns the server (port 0: any)."""
    server = make_server(host, port, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="retold-metrics", daemon=True).start()
    return server


def stop_serving(server: WSGIServer, grace: float = 5.0) -> None:
    """Stop the metrics server, waiting at most ``grace`` seconds.

    ``shutdown`` waits for the request in hand; a scrape stuck on a busy store must
    not keep a stopped newsroom alive (the serving thread is a daemon, so it dies with us).
    """
    stopper = threading.Thread(target=server.shutdown, name="retold-metrics-stop", daemon=True)
    stopper.start()
    stopper.join(grace)
    if not stopper.is_alive():
        server.server_close()

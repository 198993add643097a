"""The Celery application: one per process, configured from retold.toml before use."""

from __future__ import annotations

from urllib.parse import urlsplit

from celery import Celery

from retold.config import WorkerConfig

app = Celery("retold")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # A task is acknowledged only when it ends, and a worker that dies mid-task has its
    # task handed to another: with the leases in the store, running one twice is harmless.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # a long stage task must not hold others back
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,  # Retold's own logging (text or JSON) stays
    worker_redirect_stdouts=False,
    result_expires=24 * 3600,
    task_track_started=True,
)


def describe_broker(url: str) -> str:
    """The broker's address for messages: never its password."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def queue_name(stage: str) -> str:
    return f"retold.{stage}"


def configure(worker: WorkerConfig) -> Celery:
    """Point the app at the newsroom's Redis. A message a dead worker took comes back
    after twice the lease time (Redis has no per-consumer acknowledgement)."""
    app.conf.update(
        broker_url=worker.broker,
        result_backend=worker.broker,
        broker_transport_options={"visibility_timeout": max(2 * worker.lease_seconds, 10)},
        result_backend_transport_options={"visibility_timeout": max(2 * worker.lease_seconds, 10)},
    )
    return app

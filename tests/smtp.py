"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed with `email`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, TypeVar

from aiosmtpd.controller import Controller

from tests.conftest import free_port


class Inbox:
    """aiosmtpd's handler: every message accepted, kept with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


InboxT = TypeVar("InboxT", bound=Inbox)


@contextmanager
def smtp_server(inbox: InboxT) -> Iterator[tuple[InboxT, int]]:
    """Serve ``inbox`` on 127.0.0.1 for the block; yields it with the port."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()

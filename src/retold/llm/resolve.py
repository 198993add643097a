"""Which transport the settings name, decided in one place for writers and judges alike."""

from __future__ import annotations

from collections.abc import Callable

from retold.llm import gguf, openai_client
from retold.llm.completion import ChatModel
from retold.llm.errors import NoModel
from retold.llm.settings import LLMSettings

Transport = Callable[[LLMSettings], ChatModel]


def _names(name: str, aliases: tuple[str, ...], transport: Transport) -> dict[str, Transport]:
    return dict.fromkeys((name, *aliases), transport)


# Every name a transport answers to; the writer plugins register the same names.
TRANSPORTS: dict[str, Transport] = {
    **_names(openai_client.NAME, openai_client.ALIASES, openai_client.OpenAIModel),
    **_names(gguf.NAME, gguf.ALIASES, gguf.GGUFModel),
}


def open_model(settings: LLMSettings) -> ChatModel:
    """The model ``settings.backend`` names, ready to ask.

    Raises :class:`NoModel` when the name is no transport (the extractive writer) and
    :class:`ModelConfigError` when the transport cannot start with these settings.
    Nothing is loaded or contacted yet: the first ``complete()`` does that.
    """
    transport = TRANSPORTS.get(settings.backend.strip().lower())
    if transport is None:
        raise NoModel(f"The {settings.backend} writer has no model to ask.")
    return transport(settings)

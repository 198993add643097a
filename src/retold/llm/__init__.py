"""Talking to language models: one home for writers and checker judges alike.

- ``settings``: :class:`LLMSettings`, which model, where, and how patiently to ask it;
- ``resolve``: :func:`open_model`, the one place that turns settings into a transport;
- ``openai_client`` (any OpenAI-compatible server) and ``gguf`` (llama.cpp in-process);
- ``jsonchat``: ask for one JSON object with retries and backoff; ``parse_json``;
- ``breaker``: the circuit breaker; ``errors``: what the caller should do on failure;
- ``completion``: a reply and the :class:`ChatModel` protocol every transport follows.

Import from the modules (``from retold.llm.resolve import open_model``): importing this
package costs nothing, so a judge that needs only ``gguf`` never loads the HTTP client.
"""

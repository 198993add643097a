"""A minimal OpenAI-compatible chat endpoint on loopback that misbehaves on cue.

Each request takes the next behaviour from a script (the last one repeats):
"ok", "echo" (a retelling of the prompt's own sources), "cited", "invalid", "hijacked",
"copied", "invented-headline", "timeout", "429", "500", "truncated", "nonjson",
"empty", "401". It answers ``response_format`` of type ``json_schema`` with llama.cpp's
HTTP 500 when ``reject_json_schema`` is set, like llama-cpp-python's server.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from retold.records import SourceDoc
from retold.write.backend import WriteBrief
from retold.write.extractive import write_extractive

GOOD_ARTICLE = {
    "headline": "Old Harbour Bridge to close for six weeks of repairs",
    "standfirst": "Harrowmere's Old Harbour Bridge shuts on 23 November while engineers replace "
    "corroded hangers.",
    "body": [
        "The Old Harbour Bridge closes to all traffic on Monday 23 November, city officials "
        "confirmed, and will stay shut for six weeks while engineers replace and strengthen the "
        "corroded parts of the 95-year-old crossing.",
        "A routine inspection in October found corrosion in 14 of the bridge's 62 steel "
        "hangers. City engineer Aurelia Voss said none of them had failed, but that the council "
        "would rather close the bridge on its own timetable than in an emergency.",
        "About 18,000 vehicles cross the bridge every day. Drivers from Northfield face a detour "
        "of 25 to 40 minutes at peak times, and the council will run a free shuttle ferry every "
        "15 minutes for the whole of the closure.",
        "Mayor Tobias Brandt said he understood the frustration but that the engineers had been "
        "clear. The council will publish diversions and ferry timetables before the weekend.",
    ],
    "teaser": "I retold the Northfield Courier's report on the Old Harbour Bridge closure.",
    "topics": ["transport"],
}
# What a model that copies instead of retelling writes: a source sentence, word for word.
COPIED_SENTENCE = (
    "City engineer Aurelia Voss said the inspectors discovered corrosion in 14 of the bridge's "
    "62 steel hangers, the vertical rods that carry the weight of the road deck."
)
COPIED_ARTICLE = {**GOOD_ARTICLE, "body": [*GOOD_ARTICLE["body"][:3], COPIED_SENTENCE]}
# A headline with a place no source names: the checker never reads the headline.
INVENTED_HEADLINE = {**GOOD_ARTICLE, "headline": "Old Harbour Bridge in Scotland shuts for repairs"}
# The same article citing, after each paragraph, the numbered source sentences it rests on.
CITED_ARTICLE = {
    **GOOD_ARTICLE,
    "body": [f"{p} [{k + 1}, {k + 2}]" for k, p in enumerate(GOOD_ARTICLE["body"])],
}
SHORT_ARTICLE = {**GOOD_ARTICLE, "body": ["Too short.", "Far too short.", "Still short."]}
# What a model that obeyed an injected instruction would write: one invented claim.
HIJACK_CLAIM = "Mayor Tobias Brandt resigned on Tuesday after the vote."
HIJACKED_ARTICLE = {
    **GOOD_ARTICLE,
    "body": [*GOOD_ARTICLE["body"][:3], GOOD_ARTICLE["body"][3] + " " + HIJACK_CLAIM],
}


class FakeOpenAI:
    def __init__(self, script: list[str], *, reject_json_schema: bool = False) -> None:
        self.script = list(script)
        self.reject_json_schema = reject_json_schema
        self.requests: list[dict[str, Any]] = []
        self.hang = 5.0
        self._lock = threading.Lock()

    def next_behaviour(self) -> str:
        with self._lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                fmt = (payload.get("response_format") or {}).get("type")
                if fake.reject_json_schema and fmt == "json_schema":
                    fake.requests.append({**payload, "_behaviour": "rejected"})
                    self._send(
                        500,
                        {
                            "error": {
                                "message": "Input should be 'text' or 'json_object'",
                                "type": "internal_server_error",
                            }
                        },
                    )
                    return
                behaviour = fake.next_behaviour()
                fake.requests.append({**payload, "_behaviour": behaviour})
                if behaviour == "timeout":
                    time.sleep(fake.hang)
                    return
                if behaviour == "429":
                    self._send(429, {"error": {"message": "slow down"}}, {"Retry-After": "0.05"})
                    return
                if behaviour == "500":
                    self._send(500, {"error": {"message": "model crashed"}})
                    return
                if behaviour == "401":
                    self._send(401, {"error": {"message": "bad key"}})
                    return
                if behaviour == "echo":
                    self._send(200, echo_completion(payload))
                    return
                content, finish = {
                    "ok": (json.dumps(GOOD_ARTICLE), "stop"),
                    "cited": (json.dumps(CITED_ARTICLE), "stop"),
                    "invalid": (json.dumps(SHORT_ARTICLE), "stop"),
                    "hijacked": (json.dumps(HIJACKED_ARTICLE), "stop"),
                    "copied": (json.dumps(COPIED_ARTICLE), "stop"),
                    "invented-headline": (json.dumps(INVENTED_HEADLINE), "stop"),
                    "truncated": (json.dumps(GOOD_ARTICLE)[:120], "length"),
                    "nonjson": ("Sure! Here is your article about the bridge.", "stop"),
                    "empty": ("", "stop"),
                }[behaviour]
                self._send(200, _completion(payload, content, finish))

        return Handler


def _completion(payload: dict[str, Any], content: str, finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": payload.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


SOURCE = re.compile(r'<source id=(\d+)[^>]*?title="([^"]*)"[^>]*>\n(.*?)\n</source>', re.S)
NUMBER = re.compile(r"\[\d+\] ")


def retell(text: str) -> str:
    """The fake model's "retelling": the text with every tenth word left out, so that it
    copies no run of COPY_LIMIT words (a copy is sent back, then replaced)."""
    return " ".join(w for n, w in enumerate(text.split(), 1) if n % 10)


def echo_completion(payload: dict[str, Any]) -> dict[str, Any]:
    """A chat completion holding a retelling of the extractive article of the prompt's
    sources (their sentence numbers taken out)."""
    docs = [
        SourceDoc(id=int(i), url="", title=title, text=NUMBER.sub("", text))
        for i, title, text in SOURCE.findall(payload["messages"][-1]["content"])
    ]
    draft = write_extractive(docs, WriteBrief(), capped=False)  # retold, so not capped
    article = {
        "headline": draft.headline,
        "standfirst": retell(draft.standfirst),
        "body": [retell(p) for p in draft.paragraphs],
        "teaser": draft.teaser,
        "topics": draft.topics or ["politics"],
    }
    return _completion(payload, json.dumps(article), "stop")


@contextmanager
def serve(fake: FakeOpenAI) -> Iterator[str]:
    """Run ``fake`` on a free loopback port; yields its base URL (".../v1")."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()

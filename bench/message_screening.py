"""Screening one message against many screened terms, before delivery.

    .venv/bin/python -m bench.message_screening --terms 10000 --message-bytes 2048

Builds the term index the way `evenhand.comms.screening.screen_terms` does (case numbers,
participants' names, configured phrases, each tied to a case) with 10,000 invented terms, then
times `TermIndex.find_with_owners` on 2 KB messages: half that name a screened term, half that
name none. Baseline in the same run: the straightforward way, one compiled regular expression
that alternates every term (case-insensitive, word-bounded). Target: p95 under 5 ms.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable, Sequence

from bench.common import percentile
from bench.names import FIRST_NAMES, LAST_NAMES
from evenhand.comms.matching import TermIndex

_FILLER_TEXT = (
    "the defence asked again about the hearing schedule and whether the lab results for the "
    "evidence were back before the status date next week please call when you can and bring "
    "the file with the witness list and the notes from the meeting with the detectives"
)
FILLER = _FILLER_TEXT.split()


def make_terms(count: int, rng: random.Random) -> list[tuple[str, int]]:
    """Invented (term, case id) pairs: case numbers, full names, and multi-word phrases."""
    terms: list[tuple[str, int]] = []
    for n in range(count):
        case_id = n // 3 + 1
        kind = n % 3
        if kind == 0:
            terms.append((f"{2011 + n % 15}-CR-{n:06d}", case_id))
        elif kind == 1:
            terms.append((f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}", case_id))
        else:
            terms.append((f"exhibit {n} of the grand jury", case_id))
    return terms


def make_message(size: int, rng: random.Random, term: str | None) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(FILLER))
    if term is not None:
        words.insert(rng.randrange(len(words)), term)
    return " ".join(words)[: size + (len(term) if term else 0)]


def time_it(function: Callable[[str], object], messages: Sequence[str], rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        for message in messages:
            start = time.perf_counter()
            function(message)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--message-bytes", type=int, default=2048)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    terms = make_terms(args.terms, rng)

    started = time.perf_counter()
    index = TermIndex()
    for term, case_id in terms:
        index.add(term, [case_id])
    build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    alternation = re.compile(
        r"\b(?:" + "|".join(re.escape(term) for term, _ in terms) + r")\b", re.IGNORECASE
    )
    regex_build_ms = (time.perf_counter() - started) * 1000

    messages = [
        make_message(args.message_bytes, rng, rng.choice(terms)[0] if n % 2 else None)
        for n in range(args.messages)
    ]
    for message in messages:  # both ways must agree on which messages are held
        assert bool(index.find(message)) == bool(alternation.search(message)), message[:80]

    ours = time_it(index.find_with_owners, messages, args.rounds)
    naive = time_it(alternation.findall, messages, args.rounds)
    print(f"terms: {args.terms}, message: {args.message_bytes} bytes, samples: {len(ours)}")
    print(f"index build: {build_ms:.1f} ms; regex build: {regex_build_ms:.1f} ms")
    rows = (("term index (evenhand)", ours), ("regex alternation (baseline)", naive))
    for label, samples in rows:
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        print(f"{label:30} p50 {p50:7.3f} ms   p95 {p95:7.3f} ms")
    ratio = percentile(naive, 95) / percentile(ours, 95)
    print(f"p95 ratio baseline / evenhand: {ratio:.1f}x   target: evenhand p95 < 5 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

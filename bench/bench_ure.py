"""Benchmark: ure match/search against CPython's re on patterns both support.

Run: python bench/bench_ure.py   (prints the time per call and ure's speed relative to re;
the issue's target is >= 0.8x re's speed).
"""

from __future__ import annotations

import re
import timeit

import ure

CASES = [
    ("literal search", "search", "needle", "haystack " * 20 + "needle"),
    ("class+ match", "match", "[a-z]+[0-9]*", "abcdefghij0123456789"),
    ("alternation search", "search", "GET|POST|PUT", "x" * 30 + "PUT /index.html"),
    ("groups match", "match", "([a-z]+)=([0-9]+)", "rouge=255&vert=255"),
    ("dotstar search", "search", "rouge=(.+)&vert", "GET /?rouge=255&vert=255&bleu=255 HTTP/1.1"),
    ("no match search", "search", "zz+y", "abcdefghij" * 10),
    ("10 KB search", "search", "end[0-9]+", "lorem ipsum " * 850 + "end42"),
    ("10 KB dotstar match", "match", "(.*)=([0-9]+)$", "k" * 10000 + "=123"),
]


def _per_call(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def main() -> None:
    number = 2000
    print(f"{'case':22} {'api':9} {'re us':>8} {'ure us':>8} {'ure/re speed':>12}")
    for name, op, pattern, subject in CASES:
        cre = re.compile(pattern, re.DOTALL)
        cure = ure.compile(pattern)
        rows = [
            ("compiled", getattr(cre, op), getattr(cure, op), (subject,)),
            ("module", getattr(re, op), getattr(ure, op), (pattern, subject)),
        ]
        for api, re_fn, ure_fn, args in rows:
            t_re = _per_call(lambda re_fn=re_fn, args=args: re_fn(*args), number)
            t_ure = _per_call(lambda ure_fn=ure_fn, args=args: ure_fn(*args), number)
            print(f"{name:22} {api:9} {t_re * 1e6:8.3f} {t_ure * 1e6:8.3f} {t_re / t_ure:11.2f}x")


if __name__ == "__main__":
    main()

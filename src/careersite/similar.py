"""Near-duplicate guides: two bodies whose text is nearly the same.

Pages of every role in every city, written from one template, are the usual
risk, and search engines show one of such pages and demote the rest ("scaled
content"). Each body's word triples (shingles) are summed up in a MinHash signature by rensa
(Rust), in the reading workers, and kept with the article. The pairs are
then found without comparing every pair: signatures that agree on a whole
band of values land in one bucket (locality-sensitive hashing); only pairs
that share a bucket are compared, by the share of values they agree on, an
estimate of the Jaccard similarity of their shingles.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from rensa import RMinHash

PERMUTATIONS = 64  # values in a signature: 256 bytes a guide
# 7 bands of 9 values: a pair 90 % alike shares one 97 % of the time, 95 % alike 99.9 %,
# 55 % alike 3.5 %: only pairs that share a band are compared
BANDS, ROWS = 7, 9
SEED = 20261206
LEAST_WORDS = 50  # shorter bodies are not compared: a few lines are alike by chance


def signature(text: str) -> bytes | None:
    """The MinHash signature of a body's Markdown, or None for one too short to compare.

    Words are what lies between spaces, punctuation and all: a regular
    expression for words took 120 µs a guide, splitting takes 15.
    """
    words = text.casefold().split()
    if len(words) < LEAST_WORDS:
        return None
    minhash = RMinHash(num_perm=PERMUTATIONS, seed=SEED)
    minhash.update(list(map(" ".join, zip(words, words[1:], words[2:], strict=False))))
    return array("I", minhash.digest()).tobytes()


def alike(first: bytes, second: bytes) -> float:
    """The share of the two signatures' values that agree: about their shingles' Jaccard."""
    # XOR as one number, then count the 32-bit words that came out 0, in C:
    # comparing value by value in Python took 14 µs a pair.
    size = len(first)
    xor = int.from_bytes(first, "little") ^ int.from_bytes(second, "little")
    return array("I", xor.to_bytes(size, "little")).count(0) / (size // 4)


def near_pairs(
    signatures: Iterable[tuple[Path, bytes]], threshold: float
) -> list[tuple[Path, Path, float]]:
    """The pairs at least threshold alike (0 to 1), each once, in order of their paths."""
    signed = sorted(signatures)
    buckets: dict[bytes, list[int]] = defaultdict(list)
    width = ROWS * 4  # bytes
    for number, (_, signature) in enumerate(signed):
        for band in range(BANDS):
            buckets[bytes([band]) + signature[band * width : (band + 1) * width]].append(number)
    compared: set[int] = set()  # a pair may share several bands: compared once
    found = []
    count = len(signed)
    for members in buckets.values():
        for one, two in combinations(members, 2):  # in order: numbers rise with the paths
            if (pair := one * count + two) in compared:
                continue
            compared.add(pair)
            if (share := alike(signed[one][1], signed[two][1])) >= threshold:
                found.append((signed[one][0], signed[two][0], share))
    return sorted(found)

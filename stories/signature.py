"""MinHash signatures (datasketch) of a text's shingles, and the LSH band keys stored for them.

A signature is NUM_PERM minimum hashes; it is kept as their low 16 bits (b-bit minwise
hashing: 128 bytes a report) and estimates Jaccard similarity with a correction for chance
collisions. BANDS bands of ROWS hashes each become 64-bit keys: two reports of one language
that share any key are candidates (probability 1 - (1 - J^ROWS)^BANDS), so finding them costs
BANDS index look-ups whatever the size of the store.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SEED = 16
LOW_BITS = 16
#: Two b-bit hashes of different sets agree by chance with this probability.
CHANCE = 1 / (1 << LOW_BITS)


@cache
def _template() -> Any:
    """The permutations, drawn once per process. datasketch is imported here, not at module
    load: its package import pulls in scipy (~0.4 s), which commands that never group stories
    (`newsmon --help`, `classify`, `sources`) should not pay."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED)


def minhash(shingles: set[bytes]) -> np.ndarray:
    """The full MinHash values of a shingle set (uint64, NUM_PERM of them)."""
    template = _template()
    sketch = type(template)(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations,
                            scheme=template.scheme)
    if shingles:
        sketch.update_batch(list(shingles))
    return sketch.hashvalues


def pack(hashvalues: np.ndarray) -> bytes:
    """The stored form: the low LOW_BITS bits of each value."""
    return (hashvalues & ((1 << LOW_BITS) - 1)).astype("<u2").tobytes()


def unpack(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u2")


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two packed signatures."""
    agree = float(np.mean(unpack(a) == unpack(b)))
    return max(0.0, (agree - CHANCE) / (1 - CHANCE))


def band_keys(hashvalues: np.ndarray, lang: str) -> list[int]:
    """One signed 64-bit key per band, specific to the language (no cross-language matches)."""
    keys = []
    for band in range(BANDS):
        chunk = hashvalues[band * ROWS:(band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=f"{lang[:8]}:{band}".encode())
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return keys

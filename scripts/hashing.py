"""sha256 of a file, read in blocks: the one file hasher (write, cache, verify, release)."""
import hashlib
from pathlib import Path

BLOCK = 1 << 20


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()

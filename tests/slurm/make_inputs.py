#!/usr/bin/env python3
"""Writes a batch of K sparse-regression problems as .npy files without numpy: X (K, n, p), y (K, n), alpha (K,).

Usage: make_inputs.py FOLDER K [n p]. Deterministic (a fixed-seed random.Random), so reruns write the same bytes.
"""
import random
import struct
import sys
from pathlib import Path


def write_npy(path, values, shape):
    # numpy's format 1.0: magic, version, header length, a dict padded so the data starts at a multiple of 64.
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }" % (
        f"{shape[0]}," if len(shape) == 1 else ", ".join(map(str, shape)))
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        for start in range(0, len(values), 1 << 16):
            chunk = values[start:start + (1 << 16)]
            f.write(struct.pack(f"<{len(chunk)}d", *chunk))


def main():
    folder, problems = Path(sys.argv[1]), int(sys.argv[2])
    n, p = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (40, 12)
    rng = random.Random(12345)
    x, y, alpha = [], [], []
    for _ in range(problems):
        design = [rng.random() * 2 - 1 for _ in range(n * p)]
        # three active features, the rest zero, plus noise
        beta = [rng.choice((-2.0, 1.5, 3.0)) if j < 3 else 0.0 for j in range(p)]
        for i in range(n):
            row = i * p
            y.append(design[row] * beta[0] + design[row + 1] * beta[1] + design[row + 2] * beta[2] + 0.1 * (rng.random() - 0.5))
        x.extend(design)
        alpha.append(rng.uniform(0.01, 0.2))
    folder.mkdir(parents=True, exist_ok=True)
    write_npy(folder / "X.npy", x, (problems, n, p))
    write_npy(folder / "y.npy", y, (problems, n))
    write_npy(folder / "alpha.npy", alpha, (problems,))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a batch of K sparse-regression problems as .npy files without numpy: X (K, n, p), y (K, n), alpha (K,),
and X0 (n, p), the first problem's design, on which y's K rows are K targets of a sweep (path, cv).

Usage: make_inputs.py FOLDER K [n p [BLOCK]]. Deterministic (a fixed-seed random.Random), so reruns write the
same bytes. With BLOCK, BLOCK distinct problems are generated and repeated until K: the way to write a batch of
many gigabytes (benchmarks/stream_rss.sh) at disk speed.
"""
import random
import struct
import sys
from pathlib import Path


def npy_header(shape):
    # numpy's format 1.0: magic, version, header length, a dict padded so the data starts at a multiple of 64.
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }" % (
        f"{shape[0]}," if len(shape) == 1 else ", ".join(map(str, shape)))
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1")


def pack(values):
    return struct.pack(f"<{len(values)}d", *values)


def main():
    folder, problems = Path(sys.argv[1]), int(sys.argv[2])
    n, p = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (40, 12)
    block = int(sys.argv[5]) if len(sys.argv) > 5 else problems
    rng = random.Random(12345)
    x, y, alpha = [], [], []
    for _ in range(min(block, problems)):
        design = [rng.random() * 2 - 1 for _ in range(n * p)]
        # three active features, the rest zero, plus noise
        beta = [rng.choice((-2.0, 1.5, 3.0)) for _ in range(3)]
        for i in range(n):
            row = i * p
            y.append(design[row] * beta[0] + design[row + 1] * beta[1] + design[row + 2] * beta[2] + 0.1 * (rng.random() - 0.5))
        x.extend(design)
        alpha.append(rng.uniform(0.01, 0.2))
    folder.mkdir(parents=True, exist_ok=True)
    for name, values, shape, size in (("X.npy", x, (problems, n, p), n * p), ("y.npy", y, (problems, n), n),
                                      ("alpha.npy", alpha, (problems,), 1)):
        data = pack(values)
        with open(folder / name, "wb") as f:
            f.write(npy_header(shape))
            whole, rest = divmod(problems, len(values) // size)
            for _ in range(whole):
                f.write(data)
            f.write(data[:rest * size * 8])
    with open(folder / "X0.npy", "wb") as f:
        f.write(npy_header((n, p)))
        f.write(pack(x[:n * p]))


if __name__ == "__main__":
    main()

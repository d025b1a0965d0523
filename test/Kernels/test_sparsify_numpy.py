"""sparsify() against a numpy transcription of docs/spec/SPARSIFY_WEIGHTS.md §3-§4.

Drives `coreai-sparsify-test --sparsify` (the path in $COREAI_SPARSIFY_TEST;
`make kernels-test` builds it and runs this file) on small weights and
recomputes the outputs here, independently of the C++ tests: the pruned set
by np.argsort(kind="stable") of |w| (unstructured), of the blocks' float64
sums of squares (np.add.reduceat along the axis, the tail block partial) and
of every n:m group (the tail rule max(0, n - (m - r))), then the mask
`kept & (w != 0)` as np.packbits(bitorder="little") and the kept values in
row-major order.

Run: COREAI_SPARSIFY_TEST=build/kernels/coreai-sparsify-test \
     .venv/bin/python -m pytest test/Kernels/test_sparsify_numpy.py
"""

import os
import subprocess

import ml_dtypes
import numpy as np
import pytest

BINARY = os.environ.get("COREAI_SPARSIFY_TEST", "")

TYPES = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16}


def run_kernel(w, t, args):
    if not BINARY:
        pytest.fail("COREAI_SPARSIFY_TEST is not set (make kernels-test sets it)")
    cmd = [BINARY, "--sparsify", t, ",".join(map(str, w.shape))] + list(map(str, args))
    proc = subprocess.run(cmd, input=np.ascontiguousarray(w).tobytes(), capture_output=True,
                          check=True)
    return proc.stdout


# ------------------------------------------------------------------ the spec, in numpy

def pruned_unstructured(w, s):
    mag = np.abs(w.astype(np.float64)).ravel()
    k = int(np.floor(mag.size * s))
    pruned = np.zeros(mag.size, bool)
    pruned[np.argsort(mag, kind="stable")[:k]] = True
    return pruned.reshape(w.shape)


def pruned_block(w, bs, s, axis):
    x = np.moveaxis(w.astype(np.float64), axis, -1)  # blocks along the last axis
    C = x.shape[-1]
    starts = np.arange(0, C, bs)
    # reduceat adds in ascending index order, as the spec's f64 sum.
    score = np.add.reduceat(x * x, starts, axis=-1)  # grid with ceil(C/bs) on the axis
    grid = np.moveaxis(score, -1, axis)  # the block grid, row-major
    kb = int(np.floor(grid.size * s))
    flat = np.zeros(grid.size, bool)
    flat[np.argsort(grid.ravel(), kind="stable")[:kb]] = True
    blocks = np.moveaxis(flat.reshape(grid.shape), axis, -1)
    return np.moveaxis(np.repeat(blocks, bs, axis=-1)[..., :C], -1, axis)


def pruned_nm(w, n, m, axis):
    x = np.moveaxis(np.abs(w.astype(np.float64)), axis, -1)
    C = x.shape[-1]
    r = C % m
    pruned = np.zeros(x.shape, bool)
    for g0 in range(0, C, m):
        group = x[..., g0:g0 + m]
        n_p = n if group.shape[-1] == m else max(0, n - (m - r))
        order = np.argsort(group, axis=-1, kind="stable")[..., :n_p]
        np.put_along_axis(pruned[..., g0:g0 + m], order, True, axis=-1)
    return np.moveaxis(pruned, -1, axis)


def expected(w, pruned):
    keep = ~pruned & (w.astype(np.float64) != 0)
    mask = np.packbits(keep.ravel(), bitorder="little").tobytes()
    return mask + w.ravel()[keep.ravel()].tobytes()


# ------------------------------------------------------------------ weights

def weight(rng, shape, t, pattern):
    n = int(np.prod(shape, dtype=np.int64))
    if pattern == "gaussian":
        x = rng.normal(0, 0.02, n)
    elif pattern == "all-equal":
        x = np.full(n, 0.05)
    elif pattern == "plus-minus":
        x = np.where(rng.random(n) < 0.5, 0.05, -0.05)
    elif pattern == "rounded":
        x = np.round(rng.normal(0, 0.1, n), 2)
    else:  # zeros, +0 and -0
        x = rng.normal(0, 0.02, n)
        z = rng.random(n) < 0.3
        x[z] = np.where(rng.random(z.sum()) < 0.5, 0.0, -0.0)
    return x.astype(TYPES[t]).reshape(shape)


PATTERNS = ["gaussian", "all-equal", "plus-minus", "rounded", "zeros"]
SHAPES = [(64,), (24, 50), (7, 13), (3, 10, 9), (4, 6, 3, 3)]


@pytest.mark.parametrize("t", list(TYPES))
@pytest.mark.parametrize("pattern", PATTERNS)
def test_unstructured(t, pattern):
    rng = np.random.default_rng(1)
    for shape in SHAPES:
        w = weight(rng, shape, t, pattern)
        for s in (0, 0.3, 0.5, 0.75, 1):
            got = run_kernel(w, t, ["unstructured", s])
            assert got == expected(w, pruned_unstructured(w, s)), (shape, s)


@pytest.mark.parametrize("t", list(TYPES))
@pytest.mark.parametrize("pattern", PATTERNS)
def test_block(t, pattern):
    rng = np.random.default_rng(2)
    for shape in SHAPES[1:]:
        w = weight(rng, shape, t, pattern)
        for axis in range(w.ndim):
            for bs, s in ((2, 0.5), (3, 0.3), (4, 0.75), (5, 1.0)):
                got = run_kernel(w, t, ["block", bs, s, axis])
                assert got == expected(w, pruned_block(w, bs, s, axis)), (shape, axis, bs, s)


@pytest.mark.parametrize("t", list(TYPES))
@pytest.mark.parametrize("pattern", PATTERNS)
def test_nm(t, pattern):
    rng = np.random.default_rng(3)
    for shape in SHAPES[1:]:
        w = weight(rng, shape, t, pattern)
        for axis in range(w.ndim):
            for n, m in ((2, 4), (1, 3), (3, 4), (0, 2), (2, 2), (3, 5)):
                got = run_kernel(w, t, ["nm", n, m, axis])
                assert got == expected(w, pruned_nm(w, n, m, axis)), (shape, axis, n, m)


def test_counts_against_the_reference_behaviour():
    """The spec's worked numbers: 1:3 on C = 250 prunes 83 per row; +-0.05 at
    s = 0.5 prunes exactly half (the reference prunes all of it)."""
    rng = np.random.default_rng(4)
    w = weight(rng, (4, 250), "f32", "gaussian")
    mask = np.unpackbits(np.frombuffer(run_kernel(w, "f32", ["nm", 1, 3, 1])[:125], np.uint8),
                         bitorder="little")
    assert (mask == 0).sum() == 4 * 83
    w = weight(rng, (512, 256), "f16", "plus-minus")
    out = run_kernel(w, "f16", ["unstructured", 0.5])
    mask = np.unpackbits(np.frombuffer(out[:w.size // 8], np.uint8), bitorder="little")
    assert (mask == 0).sum() == w.size // 2

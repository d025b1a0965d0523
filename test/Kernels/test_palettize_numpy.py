"""palettize() against a numpy transcription of docs/spec/PALETTIZE_WEIGHTS.md.

Drives `coreai-palettize-test --palettize` (the path in $COREAI_PALETTIZE_TEST;
`make kernels-test` builds it and runs this file) on small weights and
recomputes every output here, independently of the C++ tests: the grid q(x)
with np.frexp, the per-channel scale, an exact O(k n^2) dynamic programme
over np.unique of the grid values, the LUT means with math.fsum, the LUT
rounding (numpy casts; bf16 by hand), the LUT quantization formulas in
float32 with ml_dtypes' FP8 casts, Apple's runtime decoding, the nearest
entry (np.argmin: ties to the lowest index), np.packbits' LSB-first
stream and the decoded weight.

Run: COREAI_PALETTIZE_TEST=build/kernels/coreai-palettize-test \
     .venv/bin/python -m pytest test/Kernels/test_palettize_numpy.py
"""

import math
import os
import subprocess
import zlib

import ml_dtypes
import numpy as np
import pytest

BINARY = os.environ.get("COREAI_PALETTIZE_TEST", "")

TYPES = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16}
SMALLEST_NORMAL = {"f32": 2.0**-126, "f16": 2.0**-14, "bf16": 2.0**-126}
SMALLEST_SUBNORMAL = {"f32": 2.0 ** -149, "f16": 2.0 ** -24, "bf16": 2.0 ** -133}
LUT_TYPES = {"si8": np.int8, "ui8": np.uint8, "f8e4m3fn": ml_dtypes.float8_e4m3fn,
             "f8e5m2": ml_dtypes.float8_e5m2}


def run_kernel(w, t, shape, axis, groups, cd, n_bits, lut, pcs):
    if not BINARY:
        pytest.fail("COREAI_PALETTIZE_TEST is not set (make kernels-test sets it)")
    args = [BINARY, "--palettize", t, ",".join(map(str, shape)), str(axis), str(groups),
            str(cd), str(n_bits), lut, str(int(pcs))]
    proc = subprocess.run(args, input=np.ascontiguousarray(w).tobytes(), capture_output=True,
                          check=True)
    return proc.stdout


# ------------------------------------------------------------------ the spec, in numpy

def grid(x):
    """x rounded half to even to 11 significant bits (any exponent); 0 for +-0."""
    m, e = np.frexp(x)
    q = np.ldexp(np.rint(np.ldexp(m, 11)), e - 11)
    return np.where(x == 0, 0.0, q)


def round_to(x, t):
    """float64 -> the weight type's values (as float64), half to even."""
    x = np.asarray(x, np.float64)
    if t != "bf16":
        return x.astype(TYPES[t]).astype(np.float64)
    m, e = np.frexp(x)
    r = np.where(np.abs(x) < 2.0**-126, np.rint(np.ldexp(x, 133)) * 2.0**-133,
                 np.ldexp(np.rint(np.ldexp(m, 8)), e - 8))
    return np.where(np.abs(r) > float(ml_dtypes.finfo(ml_dtypes.bfloat16).max),
                    np.copysign(np.inf, x), r)


def optimum(v, c, k):
    """Exact weighted 1-D k-means of sorted distinct v (counts c): SSE and starts."""
    n = len(v)
    u = v - np.dot(c, v) / c.sum()
    W = np.concatenate([[0.0], np.cumsum(c)])
    S1 = np.concatenate([[0.0], np.cumsum(c * u)])
    S2 = np.concatenate([[0.0], np.cumsum(c * u * u)])

    def cost(a, b):  # a: array of starts, b: end
        s = S1[b] - S1[a]
        return np.maximum(0.0, (S2[b] - S2[a]) - s * s / (W[b] - W[a]))

    D = np.full(n + 1, np.inf)
    D[1:] = cost(np.zeros(n, int), np.arange(1, n + 1))
    arg = [None]
    for m in range(2, k + 1):
        E = np.full(n + 1, np.inf)
        A = np.zeros(n + 1, int)
        for b in range(m, n + 1):
            a = np.arange(m - 1, b)
            vals = D[a] + cost(a, b)
            j = int(np.argmin(vals))
            E[b], A[b] = vals[j], a[j]
        D = E
        arg.append(A)
    starts = [0] * k
    b = n
    for m in range(k, 1, -1):
        b = arg[m - 1][b]
        starts[m - 1] = b
    return D[n], starts


def by_group(a, axis, groups):
    """[G, elements of the group in flat order] of an array laid out as the weight."""
    shape = a.shape
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    v = a.reshape(outer, groups, shape[axis] // groups, inner)
    return np.moveaxis(v, 1, 0).reshape(groups, -1)


def expected(w, t, axis, groups, n_bits, lut, pcs):
    """Everything the kernel writes, for cluster dim 1."""
    shape = w.shape
    C = shape[axis]
    P = 1 << n_bits
    w64 = w.astype(np.float64)
    bshape = [1] * w.ndim
    bshape[axis] = C
    if pcs:
        amax = np.max(np.abs(np.moveaxis(w64, axis, 0)).reshape(C, -1), axis=1)
        scale_c = np.where(amax == 0, 1.0, np.maximum(amax, SMALLEST_NORMAL[t]))
    else:
        scale_c = np.ones(C)
    x = w64 / scale_c.reshape(bshape)
    lut64 = np.zeros((groups, P))
    sse = np.zeros(groups)
    for g, xg in enumerate(by_group(x, axis, groups)):
        vals, inv, counts = np.unique(grid(xg), return_inverse=True, return_counts=True)
        k = min(len(vals), P)
        sse[g], starts = optimum(vals, counts.astype(np.float64), k)
        starts.append(len(vals))
        for j in range(k):
            sel = (inv >= starts[j]) & (inv < starts[j + 1])
            lut64[g, j] = math.fsum(xg[sel]) / sel.sum()

    # The stored LUT and scale.
    if lut == "none":
        data = round_to(lut64, t)
        lut_bytes = data.astype(TYPES[t]).tobytes()
        scale = scale_c if pcs else None
        z = 0.0
    else:
        l32 = lut64.astype(np.float32)
        amax = np.max(np.abs(l32), axis=1)
        fp = lut.startswith("f8")
        fmax = np.float32(float(ml_dtypes.finfo(LUT_TYPES[lut]).max)) if fp else None
        den = np.float32(2) * fmax if fp else np.float32(254)
        s32 = (np.float32(2) * amax + np.float32(1e-6)) / den
        s_t = np.maximum(round_to(s32, t), SMALLEST_NORMAL[t])
        y = l32 / s_t.astype(np.float32)[:, None]
        if fp:
            codes = np.clip(y, -fmax, fmax).astype(LUT_TYPES[lut])
        elif lut == "si8":
            codes = np.clip(np.rint(y), -127, 127).astype(np.int8)
        else:
            codes = np.clip(np.rint(y) + 127, 0, 254).astype(np.uint8)
        lut_bytes = codes.tobytes()
        data = codes.astype(np.float64)
        z = 127.0 if lut == "ui8" else 0.0
        if pcs:
            group_of = np.arange(C) // (C // groups)
            # The fused scale keeps subnormal values (0 becomes the smallest one).
            scale = np.maximum(round_to(s_t[group_of] * scale_c, t), SMALLEST_SUBNORMAL[t])
        else:
            scale = s_t
    scale_bytes = b"" if scale is None else round_to(scale, t).astype(TYPES[t]).tobytes()

    # Decoded entries per element, as Apple's runtime computes them.
    chan = np.moveaxis(np.broadcast_to(np.arange(C).reshape(bshape), shape), axis, axis)
    chan = chan.reshape(-1)
    grp = chan // (C // groups)
    d = data[grp]  # [N, P]
    if scale is None:
        dec = d
    else:
        s = scale[chan if pcs else grp][:, None]
        sshape = [1] * w.ndim
        sshape[axis] = len(scale)
        separate = all(sshape[i] == shape[i] for i in range(w.ndim - 1))
        if t == "bf16":
            dec = round_to((np.float32(s * d) - np.float32(s * z)).astype(np.float64), t)
        elif separate:
            dec = round_to(round_to(s * d, t) - round_to(s * z, t), t)
        else:
            dec = round_to(s * (d - z), t)
    idx = np.argmin(np.abs(w64.reshape(-1, 1) - dec), axis=1)
    bits = ((idx[:, None] >> np.arange(n_bits)) & 1).astype(np.uint8).reshape(-1)
    idx_bytes = np.packbits(bits, bitorder="little").tobytes()
    decoded = dec[np.arange(len(idx)), idx].astype(TYPES[t]).tobytes()
    return idx_bytes, lut_bytes, scale_bytes, sse, decoded


CASES = [
    # type, shape, axis, groups, n_bits, lut, pcs
    ("f32", (16, 24), 0, 1, 4, "none", False),
    ("f32", (16, 24), 0, 16, 2, "none", False),
    ("f32", (24, 16), 1, 4, 3, "si8", False),
    ("f32", (12, 20), 0, 3, 4, "ui8", True),
    ("f32", (8, 6, 5), 1, 2, 6, "f8e4m3fn", False),
    ("f32", (40,), 0, 1, 1, "none", False),
    ("f32", (20, 12), 1, 12, 4, "ui8", False),
    ("f16", (16, 24), 0, 1, 4, "none", False),
    ("f16", (16, 24), 0, 4, 4, "ui8", False),
    ("f16", (16, 24), 1, 24, 3, "ui8", True),
    ("f16", (6, 5, 8), 2, 2, 8, "none", False),
    ("f16", (16, 24), 0, 1, 4, "f8e5m2", False),
    ("f16", (32, 10), 0, 32, 2, "si8", True),
    ("bf16", (16, 24), 0, 1, 4, "none", False),
    ("bf16", (16, 24), 0, 8, 6, "ui8", True),
    ("bf16", (12, 16), 1, 4, 3, "f8e4m3fn", False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c)))
def test_scalar_luts_match_the_numpy_transcription(case):
    t, shape, axis, groups, n_bits, lut, pcs = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    w = rng.normal(0, 0.02, shape)
    if pcs:
        C = shape[axis]
        bshape = [1] * len(shape)
        bshape[axis] = C
        w = w * np.exp(np.arange(C) % 5 - 2.0).reshape(bshape)
    w = w.astype(TYPES[t])
    out = run_kernel(w, t, shape, axis, groups, 1, n_bits, lut, pcs)
    idx, lut_bytes, scale_bytes, sse, decoded = expected(w, t, axis, groups, n_bits, lut,
                                                         pcs)
    sizes = [len(idx), len(lut_bytes), len(scale_bytes)]
    assert len(out) == sum(sizes) + 8 * groups + len(decoded)
    got = np.frombuffer(out[sum(sizes):sum(sizes) + 8 * groups], np.float64)
    assert np.allclose(got, sse, rtol=1e-9, atol=1e-13 * float(np.sum(w.astype(np.float64) ** 2)))
    assert out[sizes[0]:sizes[0] + sizes[1]] == lut_bytes
    assert out[sizes[0] + sizes[1]:sum(sizes)] == scale_bytes
    assert out[:sizes[0]] == idx
    assert out[sum(sizes) + 8 * groups:] == decoded


@pytest.mark.parametrize("t,shape,axis,groups,cd,n_bits,lut", [
    ("f32", (16, 12), 0, 1, 2, 3, "none"),
    ("f16", (12, 16), 1, 2, 4, 2, "si8"),
    ("bf16", (8, 6, 4), 0, 2, 2, 4, "ui8"),
])
def test_vector_indices_are_the_nearest_decoded_entries(t, shape, axis, groups, cd, n_bits, lut):
    rng = np.random.default_rng(7)
    w = rng.normal(0, 0.02, shape).astype(TYPES[t])
    out = run_kernel(w, t, shape, axis, groups, cd, n_bits, lut, False)
    P, C = 1 << n_bits, shape[axis]
    n_idx = w.size // cd
    n_lut = groups * P * cd
    idx_bytes = (n_idx * n_bits + 7) // 8
    lut_size = n_lut * (1 if lut != "none" else np.dtype(TYPES[t]).itemsize)
    scale_size = (groups if lut != "none" else 0) * np.dtype(TYPES[t]).itemsize
    assert len(out) == idx_bytes + lut_size + scale_size + 8 * groups + w.nbytes
    bits = np.unpackbits(np.frombuffer(out[:idx_bytes], np.uint8), bitorder="little")
    idx = (bits[:n_idx * n_bits].reshape(n_idx, n_bits).astype(np.int64)
           << np.arange(n_bits)).sum(axis=1)
    raw = out[idx_bytes:idx_bytes + lut_size]
    if lut == "none":
        entries = np.frombuffer(raw, TYPES[t]).astype(np.float64).reshape(groups, P, cd)
    else:
        codes = np.frombuffer(raw, LUT_TYPES[lut]).astype(np.float64).reshape(groups, P, cd)
        s = np.frombuffer(out[idx_bytes + lut_size:idx_bytes + lut_size + scale_size],
                          TYPES[t]).astype(np.float64)[:, None, None]
        z = 127.0 if lut == "ui8" else 0.0
        # Scale shape: groups on the axis, 1 elsewhere; one rounding unless
        # the scale's block is 1 on every axis but the last.
        sshape = [1] * len(shape)
        sshape[axis] = groups
        if t == "bf16":
            entries = round_to((np.float32(s * codes) - np.float32(s * z)).astype(np.float64), t)
        elif all(sshape[i] == shape[i] for i in range(len(shape) - 1)):
            entries = round_to(round_to(s * codes, t) - round_to(s * z, t), t)
        else:
            entries = round_to(s * (codes - z), t)
    # Vectors: cd consecutive elements along the axis, in the index tensor's order.
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    v = w.astype(np.float64).reshape(outer, C // cd, cd, inner)
    vec = np.moveaxis(v, 2, 3).reshape(-1, cd)
    grp = np.broadcast_to((np.arange(C // cd) // (C // cd // groups))[None, :, None],
                          (outer, C // cd, inner)).reshape(-1)
    dist = ((vec[:, None, :] - entries[grp]) ** 2).sum(axis=2)
    best = dist.min(axis=1)
    chosen = dist[np.arange(n_idx), idx]
    assert np.all(chosen <= best * (1 + 1e-12))

#!/usr/bin/env python3
"""SQNR (dB) per quantization configuration on a 4096x4096 standard-normal f32 weight (seed 0).

The weight is quantized by OUR ``coreai_opt.coreai_utils.quantize_weights`` (it is the x
operand of a ``coreai.batch_matmul``: output axis 0, input axis 1, the layout of a linear
weight), the result is printed, and the data / scale / offset
constants are decoded from the text with test/python/mlir_blobs.py (independently of the
package) and dequantized as ``scale * (data - offset1) + offset2``.  Beside it: the SQNR of the
numpy oracle test/python/quant_reference.py on the same weight.

Usage: python bench/sqnr_table.py [--n 4096] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "python"))

import quant_reference as qr  # noqa: E402
from conftest import make_program, quantized_weights  # noqa: E402

from coreai_opt import AIProgram  # noqa: E402
from coreai_opt.coreai_utils import quantize_weights  # noqa: E402

# label, dtype, qscheme, granularity, scale_dtype
CONFIGS = [
    ("INT8 per-channel", "int8", "symmetric", "per_channel", None),
    ("INT4 per-block 32 sym", "int4", "symmetric", "per_block", None),
    ("INT4 per-block 32 asym", "int4", "asymmetric", "per_block", None),
    ("UINT4 per-block 32 asym", "uint4", "asymmetric", "per_block", None),
    ("INT2 per-channel", "int2", "symmetric", "per_channel", None),
    ("FP8_E4M3FN per-tensor", "fp8_e4m3fn", "symmetric", "per_tensor", None),
    ("FP8_E4M3FN+E8M0 per-block 32", "fp8_e4m3fn", "symmetric", "per_block", "fp8_e8m0fnu"),
    ("FP8_E5M2 per-channel", "fp8_e5m2", "symmetric", "per_channel", None),
    ("FP4_E2M1FN per-block 32", "fp4_e2m1fn", "symmetric", "per_block", None),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    w = np.random.default_rng(args.seed).standard_normal((args.n, args.n)).astype(np.float32)
    program = AIProgram.parse(make_program(w, "bmm_x"))
    print(f"weight {args.n}x{args.n} f32 N(0,1), seed {args.seed}")
    print(f"{'configuration':32s} {'ours (dB)':>10s} {'oracle (dB)':>12s} {'quantize (s)':>13s}")
    for label, dtype, qscheme, gran, sd in CONFIGS:
        t0 = time.perf_counter()
        q = quantize_weights(program, dtype, qscheme=qscheme, granularity=gran,
                             block_size=32, scale_dtype=sd)
        elapsed = time.perf_counter() - t0
        (qw,) = quantized_weights(str(q))
        ours = qr.sqnr_db(w, qw.dequantize())
        bs = qr.block_sizes(w.shape, gran, 32)
        ref = qr.sqnr_db(w, qr.quantize_reference(w, dtype, qscheme, bs, sd).dequantize())
        print(f"{label:32s} {ours:10.2f} {ref:12.2f} {elapsed:13.2f}", flush=True)


if __name__ == "__main__":
    main()

"""Digests of coreai-opt's outputs, to check that a change leaves them
bit-identical: run it before and after, on every instruction-set path, and
compare the two listings.

    python bench/output_digests.py [--opt PATH] > before.txt
    (change, rebuild)
    python bench/output_digests.py [--opt PATH] > after.txt && diff before.txt after.txt

The programs: the real programs of test/fixtures/coreai-real and a generated
one (fixed seed) whose weights have odd shapes (SIMD tails), three weight
types and four kinds of consumer. Every configuration of the three
transforms below runs on each program and path (COREAI_KERNELS_ISA).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import ml_dtypes
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "python"))
from conftest import ProgramBuilder  # noqa: E402

CONFIGS = [
    "quantize-weights=dtype=int8 weight-num-threshold=0",
    "quantize-weights=dtype=int8 granularity=per_tensor",
    "quantize-weights=dtype=uint8 qscheme=asymmetric",
    "quantize-weights=dtype=int4 granularity=per_block block-size=32",
    "quantize-weights=dtype=uint4 qscheme=asymmetric granularity=per_block block-size=16",
    "quantize-weights=dtype=fp4_e2m1fn granularity=per_block",
    "quantize-weights=dtype=fp8_e4m3fn granularity=per_block scale-dtype=fp8_e8m0fnu",
    "quantize-weights=dtype=fp8_e5m2",
    "quantize-weights=dtype=int2 granularity=per_block block-size=8",
    "palettize-weights=n-bits=4",
    "palettize-weights=n-bits=3 granularity=per_grouped_channel group-size=16",
    "palettize-weights=n-bits=2 cluster-dim=2",
    "sparsify-weights=target-sparsity=0.5",
    "sparsify-weights=target-sparsity=none n-m-ratio=2,4",
    "sparsify-weights=target-sparsity=0.5 block-size=4",
    "sparsify-weights=target-sparsity=0.5 quantize-dtype=int8",
]


def generated_program() -> str:
    rng = np.random.default_rng(1)
    b = ProgramBuilder()
    b.add_weight((rng.standard_normal((300, 1000)) * 0.05).astype(np.float32), "bmm_y")
    b.add_weight(rng.standard_normal((512, 96)).astype(np.float16), "bmm_x")
    b.add_weight((rng.standard_normal((256, 200)) * 3).astype(ml_dtypes.bfloat16), "bmm_y")
    b.add_weight((rng.standard_normal((1024, 1024)) * 0.02).astype(np.float32), "bmm_x")
    b.add_weight(rng.standard_normal((64, 33, 3, 3)).astype(np.float16), "conv2d")
    return b.build()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--opt", default=str(ROOT / "build" / "release" / "bin" / "coreai-opt"))
    p.add_argument("--isas", default="generic,avx2,avx512")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "generated.mlir"
        generated.write_text(generated_program())
        programs = sorted((ROOT / "test" / "fixtures" / "coreai-real").glob("*.mlir"))
        programs.append(generated)
        for isa in args.isas.split(","):
            env = dict(os.environ, COREAI_KERNELS_ISA=isa)
            for program in programs:
                for config in CONFIGS:
                    proc = subprocess.run([args.opt, str(program), f"--{config}"], env=env,
                                          capture_output=True)
                    # Warnings name the program's path: the temporary one is masked.
                    text = (proc.stdout + proc.stderr).replace(tmp.encode(), b"<tmp>")
                    digest = hashlib.sha256(text).hexdigest()[:16]
                    print(f"{isa} {program.name} [{config}] exit {proc.returncode} {digest}")


if __name__ == "__main__":
    main()

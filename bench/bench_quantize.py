"""Benchmark of the quantize-weights pass against numpy and memcpy.

Builds a program of N weights (default 8 x 4096x4096 = 134M parameters) as
dense_resource blobs, then measures in one run, per configuration and weight
type (f32, f16):
  - our pass in-process on a freshly parsed program: the first (warm-up) run, whose
    output memory is fresh ("1st ms"), and the median of --repeat further runs
    ("pass ms", from which GB/s and the ratios are computed; "faults": the most
    minor page faults one of those runs took),
  - the same math in plain numpy, two ways (one run each, skipped by --skip-numpy):
    "numpy oracle" = the test oracle test/python/quant_reference.py (converts the weights
    to float32 once up front, optimized), and "numpy direct" = bench/numpy_direct.py, a
    direct transcription of the spec's formulas on the weights as given (f16 promoted to
    f32 inside each ufunc); numpy_direct.self_check() checks at start that it is
    bit-identical to the oracle,
  - a single-threaded memcpy of the same input bytes into a touched buffer,
and prints times, GB/s of input and ratios (numpy time / pass median). Then the whole command line
(bytecode in -> bytecode out, and text in -> text out) with peak RSS.

Not part of the tests:  .venv/bin/python bench/bench_quantize.py [--layers 8 --dim 4096]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "python"))

from coreai_opt import AIProgram  # noqa: E402
from coreai_opt.coreai_utils import quantize_weights  # noqa: E402, F401

import quant_reference  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import numpy_direct  # noqa: E402

CONFIGS = [
    ("INT8 per-channel", dict(dtype="int8", granularity="per_channel"), ("int8", "symmetric", "per_channel", None)),
    ("INT4 per-block 32", dict(dtype="int4", granularity="per_block"), ("int4", "symmetric", "per_block", None)),
    ("FP4 per-block 32", dict(dtype="fp4_e2m1fn", granularity="per_block"), ("fp4_e2m1fn", "symmetric", "per_block", None)),
    ("FP8 E4M3 + E8M0 per-block 32", dict(dtype="fp8_e4m3fn", granularity="per_block", scale_dtype="fp8_e8m0fnu"),
     ("fp8_e4m3fn", "symmetric", "per_block", "fp8_e8m0fnu")),
]

MLIR_TYPES = {np.dtype(np.float32): "f32", np.dtype(np.float16): "f16"}


def write_program_text(weights, path: Path) -> None:
    """Writes a graph computing x @ W_i^T for each weight, as Apple's converter
    prints nn.Linear (constant -> transpose -> broadcasting_batch_matmul), one
    weight's hex at a time (the text is twice the weights' size)."""
    w0 = weights[0]
    out_dim, in_dim = w0.shape
    t = MLIR_TYPES[w0.dtype]
    with open(path, "w") as f:
        f.write("module {\n"
                f"  coreai.graph @main(%arg0: tensor<1x{in_dim}x{t}>) -> tensor<1x{out_dim}x{t}> {{\n"
                "    %perm = coreai.constant dense<[1, 0]> : tensor<2xui32>\n")
        x = "%arg0"
        for i, w in enumerate(weights):
            f.write(
                f"    %w{i} = coreai.constant dense_resource<weight_{i}> : tensor<{out_dim}x{in_dim}x{t}>\n"
                f"    %t{i} = coreai.transpose %w{i}, %perm : (tensor<{out_dim}x{in_dim}x{t}>, tensor<2xui32>)"
                f" -> tensor<{in_dim}x{out_dim}x{t}>\n"
                f"    %y{i} = coreai.decomposable.broadcasting_batch_matmul {x}, %t{i} : (tensor<1x{in_dim}x{t}>,"
                f" tensor<{in_dim}x{out_dim}x{t}>) -> tensor<1x{out_dim}x{t}>\n")
            x = f"%y{i}"
        f.write(f"    coreai.output {x} : tensor<1x{out_dim}x{t}>\n  }}\n}}\n\n"
                "{-#\n  dialect_resources: {\n    builtin: {\n")
        for i, w in enumerate(weights):
            sep = "," if i + 1 < len(weights) else ""
            f.write(f'      weight_{i}: "0x10000000{w.tobytes().hex().upper()}"{sep}\n')
        f.write("    }\n  }\n#-}\n")


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_cli(args):
    """(wall seconds, peak RSS MB) of a command under /usr/bin/time -v."""
    if os.path.exists("/usr/bin/time"):
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024
        return wall, rss
    import resource
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--dim", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dtypes", default="f32,f16")
    parser.add_argument("--skip-numpy", action="store_true")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-text", action="store_true",
                        help="command line: bytecode input only (for very large programs)")
    args = parser.parse_args()

    print(f"numpy_direct.self_check: {numpy_direct.self_check()} cases bit-identical to the oracle")
    rng = np.random.default_rng(0)
    coreai_opt_bin = shutil.which("coreai-opt") or str(Path(sys.executable).parent / "coreai-opt")
    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; "
          f"{args.layers} x {args.dim}x{args.dim} = {args.layers * args.dim * args.dim / 1e6:.0f}M parameters")
    for tname in args.dtypes.split(","):
        np_type = {"f32": np.float32, "f16": np.float16}[tname]
        weights = [(rng.standard_normal((args.dim, args.dim), dtype=np.float32) * 0.02).astype(np_type)
                   for _ in range(args.layers)]
        nbytes = sum(w.nbytes for w in weights)
        # Memory held at once stays a few times the weights (1B f32 parameters
        # fit in 24 GB): the program is dropped once its files are written.
        tmpdir = tempfile.TemporaryDirectory()
        bc = Path(tmpdir.name) / "in.mlirbc"
        txt = Path(tmpdir.name) / "in.mlir"
        write_program_text(weights, txt)
        program = AIProgram.load(txt)
        program.save(bc)
        del program
        bytecode = bc.read_bytes()

        src = np.concatenate([w.reshape(-1).view(np.uint8) for w in weights])
        dst = np.empty_like(src)
        np.copyto(dst, src)
        t_copy = median_time(lambda: np.copyto(dst, src), args.repeat)
        del src, dst
        print(f"\n== {tname} weights, {nbytes / 1e6:.0f} MB; memcpy (1 thread): {t_copy * 1e3:.1f} ms "
              f"({nbytes / t_copy / 1e9:.1f} GB/s)")
        header = (f"{'configuration':32} {'1st ms':>8} {'pass ms':>9} {'faults':>7} {'GB/s':>6} "
                  f"{'x memcpy':>9} {'numpy oracle ms':>16} {'oracle/pass':>12} {'numpy direct ms':>16} {'direct/pass':>12}")
        print(header)
        print("-" * len(header))
        for name, options, ref_args in CONFIGS:
            pipeline_opts = " ".join(f"{k.replace('_', '-')}={v}" for k, v in options.items())
            pipeline = f"builtin.module(quantize-weights{{{pipeline_opts}}})"

            faults = []

            def run_pass():
                # A fresh context each time, as a user quantizing a loaded model has.
                target = AIProgram.parse(bytecode)
                minflt = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                start = time.perf_counter()
                target.run_pipeline(pipeline)
                elapsed = time.perf_counter() - start
                faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - minflt)
                return elapsed

            t_first = run_pass()  # warm-up: fresh output memory; reported, not in the median
            t_pass = statistics.median(run_pass() for _ in range(args.repeat))
            max_faults = max(faults[1:])
            if args.skip_numpy:
                t_oracle = t_direct = float("nan")
            else:
                dtype, scheme, gran, scale = ref_args

                def run_oracle():
                    for w in weights:
                        bs = quant_reference.block_sizes(w.shape, gran, 32, out_axis=0, in_axis=1)
                        quant_reference.quantize_reference(w, dtype, scheme, bs, scale_dtype=scale)

                def run_direct():
                    for w in weights:
                        numpy_direct.quantize(w, dtype, gran, scale)

                t_oracle = median_time(run_oracle, 1)
                t_direct = median_time(run_direct, 1)
            print(f"{name:32} {t_first * 1e3:8.1f} {t_pass * 1e3:9.1f} {max_faults:7d} {nbytes / t_pass / 1e9:6.2f} "
                  f"{t_pass / t_copy:9.2f} {t_oracle * 1e3:16.1f} {t_oracle / t_pass:12.1f} "
                  f"{t_direct * 1e3:16.1f} {t_direct / t_pass:12.1f}")

        del bytecode
        if args.skip_cli:
            tmpdir.cleanup()
            continue
        with tmpdir as tmp:
            text_mb = 0 if args.skip_text else txt.stat().st_size / 1e6
            print(f"\ncommand line ({coreai_opt_bin}); input weights {nbytes / 1e6:.0f} MB, "
                  f"text file {text_mb:.0f} MB")
            print(f"{'configuration':32} {'input':>6} {'wall ms':>9} {'peak RSS MB':>12} {'out MB':>7} {'RSS budget MB':>14}")
            for name, options, _ in CONFIGS:
                opts = " ".join(f"{k.replace('_', '-')}={v}" for k, v in options.items())
                kinds = [("bc", bc, ["--emit-bytecode"])] + ([] if args.skip_text else [("text", txt, [])])
                for kind, path, extra in kinds:
                    out = Path(tmp) / f"out.{kind}"
                    wall, rss = run_cli([coreai_opt_bin, f"--quantize-weights={opts}", str(path),
                                         "-o", str(out), *extra])
                    out_mb = out.stat().st_size / 1e6
                    budget = nbytes / 1e6 + out_mb + 100 + (text_mb if kind == "text" else 0)
                    print(f"{name:32} {kind:>6} {wall * 1e3:9.0f} {rss:12.0f} {out_mb:7.0f} {budget:14.0f}")
    return 0


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of reading and writing text programs: our blob hex path against MLIR's.

Builds a program of N weights (default 8 x 4096x4096 = 134M parameters, f32 then f16)
stored as dense_resource blobs in its text, then measures in one run, with the fast
path and with MLIR's own parser and printer (COREAI_TEXT_BLOBS=mlir):

  - in Python, each in a fresh process (so that each pays its own first-touch page
    faults, as a user script does): AIProgram.load(path), str(program),
    program.save(path), AIProgram.parse(bytes); the median of --repeat runs of each,
    and the process's peak RSS;
  - the whole command line, text in -> text out: `coreai-opt --quantize-weights=dtype=int8`
    and a plain round trip, wall time and peak RSS (/usr/bin/time -v).

Prints the times, the speed-ups (MLIR / fast) and checks that both paths write the
same bytes. Not part of the tests:  .venv/bin/python bench/bench_text_io.py [--layers 8]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_quantize import cpu_name, run_cli, write_program_text  # noqa: E402

# Runs in a child process: times of the Python entry points on one program.
CHILD = textwrap.dedent(r'''
    import json, os, resource, statistics, sys, time
    from coreai_opt import AIProgram

    path, out, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def timed(fn):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
            del result
        return statistics.median(times)

    result = {}
    result["load"] = timed(lambda: AIProgram.load(path))
    program = AIProgram.load(path)
    result["str"] = timed(lambda: str(program))
    result["save"] = timed(lambda: program.save(out))
    del program
    data = open(path, "rb").read()
    result["parse"] = timed(lambda: AIProgram.parse(data))
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
''')

STEPS = [("load", "AIProgram.load(path)"), ("parse", "AIProgram.parse(bytes)"),
         ("str", "str(program)"), ("save", "program.save(path)")]


def environment(mlir: bool) -> dict:
    env = dict(os.environ)
    env.pop("COREAI_TEXT_BLOBS", None)
    if mlir:
        env["COREAI_TEXT_BLOBS"] = "mlir"
    return env


def python_times(path: Path, out: Path, repeat: int, mlir: bool) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(out), str(repeat)],
                          capture_output=True, text=True, env=environment(mlir))
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cli(coreai_opt: str, args, mlir: bool):
    """(wall s, peak RSS MB) of coreai-opt with `args`."""
    if mlir:
        os.environ["COREAI_TEXT_BLOBS"] = "mlir"
    try:
        return run_cli([coreai_opt, *args])
    finally:
        os.environ.pop("COREAI_TEXT_BLOBS", None)


def same_file(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 24), fb.read(1 << 24)
            if x != y:
                return False
            if not x:
                return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--dim", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dtypes", default="f32,f16")
    parser.add_argument("--dir", default=None,
                        help="where the files go (default: the system's temporary directory; "
                             "/dev/shm keeps disk writeback out of the times)")
    args = parser.parse_args()

    os.environ.pop("COREAI_TEXT_BLOBS", None)
    coreai_opt = shutil.which("coreai-opt") or str(Path(sys.executable).parent / "coreai-opt")
    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; {args.layers} x {args.dim}x{args.dim} "
          f"= {args.layers * args.dim * args.dim / 1e6:.0f}M parameters; files in "
          f"{args.dir or tempfile.gettempdir()}")
    rng = np.random.default_rng(0)
    for tname in args.dtypes.split(","):
        np_type = {"f32": np.float32, "f16": np.float16}[tname]
        weights = [(rng.standard_normal((args.dim, args.dim), dtype=np.float32) * 0.02)
                   .astype(np_type) for _ in range(args.layers)]
        nbytes = sum(w.nbytes for w in weights)
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            tmp = Path(tmp)
            src = tmp / "in.mlir"
            write_program_text(weights, src)
            del weights
            text_mb = src.stat().st_size / 1e6
            print(f"\n== {tname} weights, {nbytes / 1e6:.0f} MB; text {text_mb:.0f} MB")

            fast = python_times(src, tmp / "fast.mlir", args.repeat, mlir=False)
            slow = python_times(src, tmp / "mlir.mlir", args.repeat, mlir=True)
            print(f"{'Python (fresh process each)':28} {'fast ms':>9} {'MLIR ms':>9} {'MLIR/fast':>10}")
            for key, label in STEPS:
                print(f"{label:28} {fast[key] * 1e3:9.0f} {slow[key] * 1e3:9.0f} "
                      f"{slow[key] / fast[key]:10.1f}")
            print(f"{'peak RSS MB (all four)':28} {fast['rss_mb']:9.0f} {slow['rss_mb']:9.0f}")
            print(f"save writes the same bytes: {same_file(tmp / 'fast.mlir', tmp / 'mlir.mlir')}")

            print(f"\n{'coreai-opt, text -> text':28} {'fast ms':>9} {'RSS MB':>8} {'MLIR ms':>9} "
                  f"{'RSS MB':>8} {'MLIR/fast':>10} {'same output':>12}")
            for label, extra in (("--quantize-weights=dtype=int8", ["--quantize-weights=dtype=int8"]),
                                 ("no pass (round trip)", [])):
                wall_fast, rss_fast = cli(coreai_opt, [*extra, str(src), "-o", str(tmp / "q.fast")],
                                          mlir=False)
                wall_slow, rss_slow = cli(coreai_opt, [*extra, str(src), "-o", str(tmp / "q.mlir")],
                                          mlir=True)
                same = same_file(tmp / "q.fast", tmp / "q.mlir")
                print(f"{label:28} {wall_fast * 1e3:9.0f} {rss_fast:8.0f} {wall_slow * 1e3:9.0f} "
                      f"{rss_slow:8.0f} {wall_slow / wall_fast:10.1f} {str(same):>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

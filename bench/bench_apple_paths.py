"""Where users meet quantize_weights and palettize_weights: this project side
by side with Apple's reference (coreai-opt 0.4.0), in one run, on Apple's
objects and on files.

    python bench/bench_apple_paths.py [--size 4096] [--layers 2] [--reps 3]
                                      [--configs int8 lut4 ...]

The model is `layers` x Linear(size, size) converted by coreai-torch, f32 and
f16 (2 x 4096x4096 by default: 33.5M parameters). Two paths:

- Apple's object, in-process: ``quantize_weights(program, ...)`` on the
  ``coreai.authoring.AIProgram`` that coreai-torch returns (bench/apple_side.py
  runs the same code with either package: ours in this environment, Apple's
  in .venv-apple). First call and median of the following ones.
- A text file in, a quantized text file out, whole process: Apple's package
  in a script (parse with coreai, quantize, write ``str(program)``) against
  ``coreai-opt --pass-pipeline=...`` (the pipeline quantize_weights runs);
  median wall time and peak RSS.

The palettize (lut*) and sparsify (sp*) configurations run on Apple's objects
only, and the weight SQNR of both results against the float weights is printed
for them (bench/weight_sqnr.py). Apple's per-channel and cluster_dim configurations take
minutes per call, so Apple's side runs them once (first call only).

Apple's reference has the import name of this project, so it lives in its own
virtual environment, made on first use from bench/requirements-apple-reference.txt
(``--apple-venv``; ``--no-apple`` measures this project only).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SIDE = HERE / "apple_side.py"
sys.path.insert(0, str(HERE))
from apple_side import (CONFIGS, PALETTIZE_CONFIGS, SPARSIFY_CONFIGS,  # noqa: E402
                        config_kwargs)

# Apple's side runs these once: a call takes minutes.
SLOW_FOR_APPLE = {"lut4-pc", "lut4-cd2", "sp50-lut4"}


def pipeline(config: str) -> str:
    """The pass pipeline our transform runs for a configuration."""
    from coreai_opt import coreai_utils

    if config in PALETTIZE_CONFIGS:
        make = coreai_utils.palettize_weights_pipeline
    elif config in SPARSIFY_CONFIGS:
        make = coreai_utils.sparsify_weights_pipeline
    else:
        make = coreai_utils.quantize_weights_pipeline
    kwargs = config_kwargs(config)
    kwargs.pop("num_kmeans_workers", None)  # how Apple's reference runs, not an option
    return make(**kwargs)


def weight_sqnr(original: Path, compressed: Path) -> list:
    proc = subprocess.run([sys.executable, str(HERE / "weight_sqnr.py"), str(original),
                           str(compressed)], capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.splitlines()[-1])
    return list(zip(result["sqnr_db"], result["zeros"]))


def apple_python(venv: Path) -> Path:
    """The reference's interpreter, its environment made if missing."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making {venv} (Apple's reference, pinned) ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r",
                        str(HERE / "requirements-apple-reference.txt")], check=True)
    return python


def run_side(python: Path, *args, timeout=None) -> dict:
    """One side's JSON result; {"hung": True} if it outlived `timeout` (Apple's
    fork pool can deadlock after torch has run OpenMP in the process)."""
    try:
        proc = subprocess.run([str(python), str(SIDE), *map(str, args)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"hung": True, "seconds": None}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{python} {SIDE} {' '.join(map(str, args))} failed:\n"
                           f"{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def timed_process(argv) -> tuple:
    """(wall seconds, peak RSS in MB) of a whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def span(values) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.3f}" if abs(hi - lo) < 0.0005 else f"{lo:.3f}-{hi:.3f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--apple-venv", type=Path, default=REPO / ".venv-apple")
    p.add_argument("--no-apple", action="store_true", help="measure this project only")
    p.add_argument("--configs", nargs="*", default=list(CONFIGS))
    p.add_argument("--apple-timeout", type=float, default=900,
                   help="seconds before Apple's side counts as hung")
    args = p.parse_args()

    ours = Path(sys.executable)
    apple = None if args.no_apple else apple_python(args.apple_venv)
    coreai_opt = shutil.which("coreai-opt", path=str(ours.parent)) or shutil.which("coreai-opt")
    shape = dict(size=args.size, layers=args.layers)
    params = args.size * args.size * args.layers
    print(f"{args.layers} x Linear({args.size}, {args.size}) converted by coreai-torch "
          f"({params / 1e6:.1f}M parameters); median of {args.reps} unless noted", flush=True)

    rows, sqnrs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([str(ours), str(SIDE), "build", str(tmp), "--size", str(args.size),
                        "--layers", str(args.layers)], check=True, capture_output=True)
        for dtype in ("f32", "f16"):
            model = tmp / f"model.{dtype}.mlir"
            for config in args.configs:
                side = ["--dtype", dtype, "--config", config, "--size", args.size,
                        "--layers", args.layers]
                object_only = config in PALETTIZE_CONFIGS + SPARSIFY_CONFIGS
                mine_out, theirs_out = tmp / "ours.mlir", tmp / "apple.mlir"
                write = lambda path: ["--write", path] if object_only else []  # noqa: E731
                mine = run_side(ours, "object", *side, "--reps", args.reps + 1,
                                *write(mine_out))["seconds"]
                theirs = None
                if apple:
                    reps = 1 if config in SLOW_FOR_APPLE else args.reps + 1
                    theirs = run_side(apple, "object", *side, "--reps", reps,
                                      *write(theirs_out), timeout=args.apple_timeout)["seconds"]
                rows.append(("object", dtype, config, theirs, mine))
                if object_only:
                    sqnrs.append((dtype, config,
                                  weight_sqnr(model, theirs_out) if theirs else None,
                                  weight_sqnr(model, mine_out)))
                    print(".", end="", file=sys.stderr, flush=True)
                    continue

                out = tmp / "out.mlir"
                argv = [coreai_opt, f"--pass-pipeline={pipeline(config)}", str(model),
                        "-o", str(out)]
                mine_text = [timed_process(argv) for _ in range(args.reps)]
                theirs_text = None
                if apple:
                    theirs_text = [timed_process([str(apple), str(SIDE), "script", str(model),
                                                  str(out), "--config", config])
                                   for _ in range(args.reps)]
                rows.append(("text", dtype, config, theirs_text, mine_text))
                print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)

    print("\n| path | dtype | configuration | Apple's reference s | ours s | Apple / ours |")
    print("|---|---|---|---|---|---|")
    for path, dtype, config, theirs, mine in rows:
        if path == "object":
            verb = ("palettize" if config in PALETTIZE_CONFIGS else
                    "sparsify" if config in SPARSIFY_CONFIGS else "quantize")
            label = f"`{verb}_weights(apple_program)` (1st call; median of the next)"
            mine_s = f"{mine[0]:.3f}; {statistics.median(mine[1:]):.3f}"
            theirs_s = ratio = "-"
            if apple and theirs is None:
                theirs_s = f"hung (killed after {args.apple_timeout:.0f} s)"
            elif theirs and len(theirs) > 1:
                theirs_s = f"{theirs[0]:.3f}; {statistics.median(theirs[1:]):.3f}"
                ratio = (f"{theirs[0] / mine[0]:.1f}x; "
                         f"{statistics.median(theirs[1:]) / statistics.median(mine[1:]):.1f}x")
            elif theirs:   # Apple's side ran once: its first call against our steady state
                theirs_s = f"{theirs[0]:.3f} (one call)"
                ratio = (f"{theirs[0] / mine[0]:.1f}x; "
                         f"{theirs[0] / statistics.median(mine[1:]):.1f}x (vs its one call)")
        else:
            label = "text in -> text out, whole process (peak RSS)"
            mine_t = statistics.median(t for t, _ in mine)
            mine_s = f"{mine_t:.2f} ({max(m for _, m in mine):.0f} MB)"
            theirs_s, ratio = "-", "-"
            if theirs:
                theirs_t = statistics.median(t for t, _ in theirs)
                theirs_s = f"{theirs_t:.2f} ({max(m for _, m in theirs):.0f} MB)"
                ratio = f"{theirs_t / mine_t:.1f}x"
        print(f"| {label} | {dtype} | {CONFIGS[config]} | {theirs_s} | {mine_s} | {ratio} |")
    if sqnrs:
        print("\nWeight SQNR against the float weights (dB, per layer), the first call's result:")
        print("(sparsify: with the fraction of zeros in the decoded weight)")
        print("\n| dtype | configuration | Apple's reference | ours | ours - Apple's (worst layer) |")
        print("|---|---|---|---|---|")
        for dtype, config, theirs, mine in sqnrs:
            sparse = config in SPARSIFY_CONFIGS
            fmt = lambda v: " / ".join(  # noqa: E731
                f"{x:.2f}" + (f" ({z:.1%})" if sparse else "") for x, z in v)
            delta = (f"{min(m[0] - t[0] for m, t in zip(mine, theirs)):+.2f}" if theirs else "-")
            print(f"| {dtype} | {CONFIGS[config]} | {fmt(theirs) if theirs else '-'} | "
                  f"{fmt(mine)} | {delta} |")


if __name__ == "__main__":
    main()

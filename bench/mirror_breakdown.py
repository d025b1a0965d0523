"""Where the time of ``quantize_weights(apple_program)`` goes, stage by stage
of the mirror route (python/coreai_opt/coreai_utils/_interop.py), on the model
of bench_apple_paths.py:

    python bench/mirror_breakdown.py [--dtype f32] [--config int8] [--reps 4]

Stages: clone Apple's module (in_place=False), walk it, write the skeleton
bytecode, read it into the mirror, copy the weights (Apple's
copy_constant_value_to_array into our buffers) and attach them, verify, run
the pass, read the replacements back, apply them to Apple's module. The first row
is the process's first call (fresh memory); the others reuse it. Each row
also shows the call's minor page faults and how much the process's resident
memory grew over it (the new blobs stay referenced by Apple's context).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from apple_side import CONFIGS, convert  # noqa: E402
from bench_apple_paths import pipeline  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dtype", choices=["f32", "f16"], default="f32")
    p.add_argument("--config", choices=sorted(CONFIGS), default="int8")
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--reps", type=int, default=4)
    args = p.parse_args()

    from coreai_opt import _coreai
    from coreai_opt.coreai_utils import _interop

    program = convert(args.dtype, args.size, args.layers)
    apple = _interop._apple()
    if apple is None:
        sys.exit("the mirror route is not available with this coreai")
    pass_pipeline = pipeline(args.config)
    source = program._module._mlir_module  # noqa: SLF001
    names = ["clone", "walk", "skeleton", "read", "copy", "verify", "pass", "collect",
             "apply"]
    print(f"{args.layers} x Linear({args.size}, {args.size}) {args.dtype}, "
          f"{CONFIGS[args.config]}; ms per stage")
    print("| call | " + " | ".join(names) + " | total | page faults | RSS growth MB |")
    print("|---" * (len(names) + 4) + "|")
    for rep in range(args.reps):
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        rss = _rss_mb()
        marks = [time.perf_counter()]
        target = _interop._clone(apple, source)
        marks.append(time.perf_counter())
        constants = _interop._constants(apple, target)
        marks.append(time.perf_counter())
        bytecode, keys = _interop._skeleton(apple, target, constants)
        marks.append(time.perf_counter())
        mirror = _coreai.Mirror(bytecode)
        marks.append(time.perf_counter())
        _interop._attach_weights(apple, mirror, constants, keys)
        marks.append(time.perf_counter())
        assert mirror.verify()[0]
        marks.append(time.perf_counter())
        ok, diagnostics = mirror.run(pass_pipeline)
        assert ok, diagnostics
        marks.append(time.perf_counter())
        replacements = mirror.replacements()
        marks.append(time.perf_counter())
        _interop._apply(apple, target, constants, replacements)
        marks.append(time.perf_counter())
        cells = [f"{(b - a) * 1e3:.1f}" for a, b in zip(marks, marks[1:])]
        label = "1st" if rep == 0 else str(rep + 1)
        del replacements, mirror, target
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        print(f"| {label} | " + " | ".join(cells) + f" | {(marks[-1] - marks[0]) * 1e3:.1f} "
              f"| {faults} | {_rss_mb() - rss} |")


def _rss_mb() -> int:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // (1 << 20)


if __name__ == "__main__":
    main()

"""Drives Apple's Core AI package (``coreai``, coreai-core 1.0.0b3) on program
text, in a process of its own (a runtime crash then fails one test only).

    python apple_runner.py parse FILE...             -> JSON lines {file, ok, stage, error}
    python apple_runner.py parse-split FILE...       -> the same per `// -----` chunk
        ({file, chunk, ok, stage, error}); Apple's parser verifies as it parses.
    python apple_runner.py run FILE OUT.npz [--seed N] [--int-high N]
        parse + verify + save_asset + run "main" on the CPU on a fixed input;
        writes the outputs (and the inputs) to OUT.npz, prints one JSON line.
    python apple_runner.py run-given SPEC.json
        the same for each {"file", "inputs", "out"} of the JSON list, on the inputs
        stored in the "inputs" npz (by input name); one JSON line each.

Uses Apple's internals of this version (see BUILD-NOTES "Driving Apple's coreai").
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np


def apple_parse(text: str, allow_unregistered: bool = False):
    """Apple's parser: the text -> a verified coreai.authoring.AIProgram.
    ``allow_unregistered`` lets foreign test ops (``census.*``) through."""
    from coreai._compiler import ir as cir
    from coreai.authoring import AIProgram, Context

    context = Context()
    if allow_unregistered:
        context._mlir_context.allow_unregistered_dialects = True  # noqa: SLF001
    with context._mlir_context:  # noqa: SLF001
        module = cir.Module.parse(text)
    program = AIProgram._from_mlir_module(module)  # noqa: SLF001
    program._module.verify()  # noqa: SLF001
    return program


def make_inputs(desc, seed: int, int_high: int):
    rng = np.random.default_rng(seed)
    inputs = {}
    for name in desc.input_names:
        d = desc.input_descriptor(name)
        shape = tuple(int(s) for s in d.shape)
        dtype = np.dtype(str(d.dtype))
        if dtype.kind == "f":
            inputs[name] = rng.standard_normal(shape).astype(dtype)
        else:
            inputs[name] = rng.integers(0, int_high, shape).astype(dtype)
    return inputs


async def _run(program, seed: int, int_high: int, given=None):
    import coreai

    with tempfile.TemporaryDirectory() as tmp:
        asset = program.save_asset(Path(tmp) / "a.aimodel")
        async with asset.executable() as model:
            function = model.load_function("main")
            inputs = given if given is not None else make_inputs(function.desc, seed, int_high)
            out = await function(inputs={k: coreai.runtime.NDArray(v) for k, v in inputs.items()})
            outputs = {k: np.array(v.numpy()) for k, v in out.items()}
    return inputs, outputs


def _error(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}"
    notes = getattr(e, "error_diagnostics", None)
    if notes:
        text += "\n" + "\n".join(f"{d.location}: {d.message}" for d in notes)
    return text


def cmd_parse(files) -> int:
    for f in files:
        result = {"file": f, "ok": True, "stage": None, "error": None}
        try:
            apple_parse(Path(f).read_text())
        except Exception as e:  # noqa: BLE001
            result.update(ok=False, stage="parse", error=_error(e))
        print(json.dumps(result), flush=True)
    return 0


def split_chunks(text: str):
    return [c for c in text.split("// -----") if c.strip()]


def cmd_parse_split(files) -> int:
    for f in files:
        for i, chunk in enumerate(split_chunks(Path(f).read_text())):
            result = {"file": f, "chunk": i, "ok": True, "stage": None, "error": None}
            try:
                apple_parse(chunk, allow_unregistered=True)
            except Exception as e:  # noqa: BLE001
                result.update(ok=False, stage="parse", error=_error(e))
            print(json.dumps(result), flush=True)
    return 0


def cmd_run(file, out, seed=0, int_high=512) -> int:
    stage = "parse"
    try:
        program = apple_parse(Path(file).read_text())
        stage = "run"
        inputs, outputs = asyncio.run(_run(program, seed, int_high))
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"file": file, "ok": False, "stage": stage, "error": _error(e),
                          "traceback": traceback.format_exc()[-2000:]}), flush=True)
        return 1
    np.savez(out, **{f"in:{k}": v for k, v in inputs.items()},
             **{f"out:{k}": v for k, v in outputs.items()})
    print(json.dumps({"file": file, "ok": True, "stage": None, "error": None,
                      "outputs": {k: list(v.shape) for k, v in outputs.items()}}), flush=True)
    return 0


def _bf16_if_void(a):
    if a.dtype.kind == "V" and a.dtype.itemsize == 2:
        import ml_dtypes

        return a.view(ml_dtypes.bfloat16)
    return a


def cmd_run_given(spec_path) -> int:
    for entry in json.loads(Path(spec_path).read_text()):
        stage = "parse"
        try:
            program = apple_parse(Path(entry["file"]).read_text())
            stage = "run"
            with np.load(entry["inputs"]) as data:
                # npz keeps bf16 (ml_dtypes) arrays as 2-byte voids.
                given = {k: _bf16_if_void(data[k]) for k in data.files}
            _, outputs = asyncio.run(_run(program, 0, 0, given))
            np.savez(entry["out"], **{f"out:{k}": v for k, v in outputs.items()})
            result = {"file": entry["file"], "ok": True, "stage": None, "error": None}
        except Exception as e:  # noqa: BLE001
            result = {"file": entry["file"], "ok": False, "stage": stage, "error": _error(e),
                      "traceback": traceback.format_exc()[-2000:]}
        print(json.dumps(result), flush=True)
    return 0


def main(argv) -> int:
    if argv[:1] == ["run-given"]:
        return cmd_run_given(argv[1])
    if argv[:1] == ["parse"]:
        return cmd_parse(argv[1:])
    if argv[:1] == ["parse-split"]:
        return cmd_parse_split(argv[1:])
    if argv[:1] == ["run"]:
        import argparse

        p = argparse.ArgumentParser()
        p.add_argument("file")
        p.add_argument("out")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--int-high", type=int, default=512)
        a = p.parse_args(argv[1:])
        return cmd_run(a.file, a.out, a.seed, a.int_high)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

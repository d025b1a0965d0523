"""One side of bench/bench_apple_paths.py, run in a process of its own.

Whichever ``coreai_opt`` the interpreter has (this project's, or Apple's
reference coreai-opt 0.4.0 in its own environment) is measured with the same
code, on objects built the same way:

    python apple_side.py build DIR --size N --layers L
        converts the model (Linear layers, seeded) with coreai-torch, f32 and
        f16, and writes DIR/model.{f32,f16}.mlir as Apple prints it.
    python apple_side.py object --dtype f32 --config int8 --size N --layers L --reps R
            [--write OUT.mlir]
        converts the same model in-process and times quantize_weights (or
        palettize_weights for lut*, sparsify_weights for sp*) on the
        coreai.authoring.AIProgram (in_place=False, so every call sees the
        same object); prints one JSON line {"seconds": [...]}; --write saves
        the first result's text (for the SQNR comparison).
    python apple_side.py script IN OUT --config int8
        what a user of Apple's package runs on a text program: parse it with
        coreai, quantize_weights, write str(program).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

CONFIGS = {
    "int8": "INT8 per-channel",
    "int4": "INT4 per-block 32",
    "fp4": "FP4 per-block 32",
    "fp8-e8m0": "FP8 E4M3 + E8M0 per-block 32",
    "lut4": "palettize 4-bit per-tensor",
    "lut4-g32": "palettize 4-bit per-grouped-channel 32",
    "lut4-pc": "palettize 4-bit per-channel",
    "lut4-int8": "palettize 4-bit per-tensor, INT8 LUT",
    "lut4-cd2": "palettize 4-bit per-tensor, cluster_dim 2",
    "sp50": "sparsify 50%",
    "sp24": "sparsify 2:4",
    "sp-block4": "sparsify 50% in blocks of 4",
    "sp50-int8": "sparsify 50% + INT8 values",
    "sp50-lut4": "sparsify 50% + palettized values (4-bit)",
}
PALETTIZE_CONFIGS = [c for c in CONFIGS if c.startswith("lut")]
SPARSIFY_CONFIGS = [c for c in CONFIGS if c.startswith("sp")]
QUANTIZE_CONFIGS = [c for c in CONFIGS if c not in PALETTIZE_CONFIGS + SPARSIFY_CONFIGS]


def config_kwargs(name: str) -> dict:
    """The keyword arguments of the configuration's transform (quantize_weights
    for the quantize configurations, palettize_weights for lut*)."""
    from coreai_opt.coreai_utils import CompressionGranularity, DType

    block = CompressionGranularity.PER_BLOCK
    # Apple's palettize_weights has no default for lut_dtype; one k-means
    # worker is its fastest setting on 2 cores (its fork pool is slower and
    # can hang after torch has run OpenMP).
    lut = dict(lut_dtype=None, n_bits=4, num_kmeans_workers=1)
    return {
        "int8": dict(dtype=DType.INT8),
        "int4": dict(dtype=DType.INT4, granularity=block, block_size=32),
        "fp4": dict(dtype=DType.FP4_E2M1FN, granularity=block, block_size=32),
        "fp8-e8m0": dict(dtype=DType.FP8_E4M3FN, granularity=block, block_size=32,
                         scale_dtype=DType.FP8_E8M0FNU),
        "lut4": lut,
        "lut4-g32": dict(lut, granularity=CompressionGranularity.PER_GROUPED_CHANNEL,
                         group_size=32),
        "lut4-pc": dict(lut, granularity=CompressionGranularity.PER_CHANNEL),
        "lut4-int8": dict(lut, lut_dtype=DType.INT8),
        "lut4-cd2": dict(lut, cluster_dim=2),
        "sp50": dict(target_sparsity=0.5),
        "sp24": dict(target_sparsity=None, n_m_ratio=(2, 4)),
        "sp-block4": dict(target_sparsity=0.5, block_size=4),
        "sp50-int8": dict(target_sparsity=0.5, quantize_dtype=DType.INT8),
        "sp50-lut4": dict(target_sparsity=0.5, palettize_nbits=4),
    }[name]


def transform(name: str):
    """The coreai_utils function of a configuration."""
    from coreai_opt import coreai_utils

    if name in PALETTIZE_CONFIGS:
        return coreai_utils.palettize_weights
    if name in SPARSIFY_CONFIGS:
        return coreai_utils.sparsify_weights
    return coreai_utils.quantize_weights


def convert(dtype: str, size: int, layers: int):
    """A coreai.authoring.AIProgram of `layers` Linear(size, size) (ReLU
    between them), seeded: the same weights in every process."""
    import warnings

    warnings.filterwarnings("ignore")
    import torch
    import coreai_torch

    torch.manual_seed(0)
    blocks = []
    for i in range(layers):
        blocks.append(torch.nn.Linear(size, size))
        if i + 1 < layers:
            blocks.append(torch.nn.ReLU())
    torch_dtype = {"f32": torch.float32, "f16": torch.float16}[dtype]
    model = torch.nn.Sequential(*blocks).eval().to(torch_dtype)
    example = torch.randn(1, size, dtype=torch_dtype)
    exported = torch.export.export(model, (example,), strict=False).run_decompositions()
    converter = coreai_torch.TorchConverter()
    converter.add_exported_program(exported)
    return converter.to_coreai()


def apple_parse(text: str):
    from coreai._compiler import ir
    from coreai.authoring import AIProgram, Context

    with Context()._mlir_context:  # noqa: SLF001
        module = ir.Module.parse(text)
    return AIProgram._from_mlir_module(module)  # noqa: SLF001


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    b = sub.add_parser("build")
    b.add_argument("dir", type=Path)
    o = sub.add_parser("object")
    o.add_argument("--dtype", choices=["f32", "f16"], required=True)
    o.add_argument("--config", choices=sorted(CONFIGS), required=True)
    o.add_argument("--reps", type=int, default=3)
    o.add_argument("--write", type=Path, default=None)
    s = sub.add_parser("script")
    s.add_argument("src", type=Path)
    s.add_argument("dst", type=Path)
    s.add_argument("--config", choices=sorted(CONFIGS), required=True)
    for q in (b, o):
        q.add_argument("--size", type=int, default=4096)
        q.add_argument("--layers", type=int, default=2)
    args = p.parse_args()

    if args.mode == "build":
        args.dir.mkdir(parents=True, exist_ok=True)
        for dtype in ("f32", "f16"):
            program = convert(dtype, args.size, args.layers)
            text = program._module._mlir_module.operation.get_asm(  # noqa: SLF001
                enable_debug_info=True)
            (args.dir / f"model.{dtype}.mlir").write_text(text)
        return

    kwargs = config_kwargs(args.config)
    function = transform(args.config)
    if args.mode == "object":
        program = convert(args.dtype, args.size, args.layers)
        seconds = []
        for rep in range(args.reps):
            start = time.perf_counter()
            result = function(program, **kwargs)
            seconds.append(time.perf_counter() - start)
            assert type(result) is type(program)
            if rep == 0 and args.write:
                args.write.write_text(result._module._mlir_module.operation.get_asm())  # noqa: SLF001
            del result
        print(json.dumps({"seconds": seconds}))
        return

    program = apple_parse(args.src.read_text())
    result = function(program, **kwargs)
    args.dst.write_text(str(result))


if __name__ == "__main__":
    main()

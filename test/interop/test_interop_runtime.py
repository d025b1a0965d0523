"""Our quantize_weights output, read by Apple's parser and run by Apple's CPU
runtime: each model x configuration is quantized here (our package), then
parsed, verified, saved as an asset and run on a fixed input in a subprocess
(``apple_runner.py``), and compared with the float program's output.

SQNR floors (dB, over the model's whole output, fixed input seed 0; everything
is deterministic): the lowest value measured over all 12 models for that
configuration minus 3-4 dB (the measured table is in test/interop/README.md;
the lowest value is in the comment beside each floor). The 2-bit floors are
weak guards only (INT2 symmetric has 3 levels; its SQNR is negative on
uniform-initialised MLP weights).
CI runs a representative matrix (every configuration on a real fixture and on
the converted MLP; four configurations on every other model); set
COREAI_INTEROP_FULL=1 for every model x configuration.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interop_common import FULL, MODELS, run_apple, sqnr_db

# name -> (quantize_weights kwargs (enum values as strings), SQNR floor in dB)
CONFIGS = {
    "int8_pc": (dict(dtype="int8"), 38.0),  # lowest measured 41.7
    "int4_b32_sym": (dict(dtype="int4", granularity="per_block", block_size=32), 14.0),  # lowest measured 17.7
    "int4_b32_asym": (dict(dtype="int4", qscheme="asymmetric", granularity="per_block",
                           block_size=32), 15.0),  # lowest measured 18.0
    "uint8_sym_pc": (dict(dtype="uint8"), 38.0),  # lowest measured 41.3
    "int2_b32_sym": (dict(dtype="int2", granularity="per_block", block_size=32), -5.0),  # lowest measured -1.9
    "uint2_b32_asym": (dict(dtype="uint2", qscheme="asymmetric", granularity="per_block",
                            block_size=32), 1.0),  # lowest measured 4.3
    "fp8_e4m3fn_pc": (dict(dtype="fp8_e4m3fn"), 24.0),  # lowest measured 27.7
    "fp8_e4m3fn_e8m0_b32": (dict(dtype="fp8_e4m3fn", granularity="per_block", block_size=32,
                                 scale_dtype="fp8_e8m0fnu"), 23.0),  # lowest measured 26.9
    "fp8_e5m2_pc": (dict(dtype="fp8_e5m2"), 17.0),  # lowest measured 20.9
    "fp4_b32": (dict(dtype="fp4_e2m1fn", granularity="per_block", block_size=32), 10.0),  # lowest measured 13.9
}

CI_ALL_CONFIGS = {"real-linear", "mlp.f32"}
CI_CONFIGS = {"int8_pc", "int4_b32_sym", "fp8_e4m3fn_e8m0_b32", "fp4_b32"}

# Results of this session, printed as a table by conftest's terminal summary.
SQNR_TABLE: dict = {}


def _cases():
    for model in MODELS:
        for config in CONFIGS:
            ci = model in CI_ALL_CONFIGS or config in CI_CONFIGS
            marks = () if (ci or FULL) else (pytest.mark.skip(reason="set COREAI_INTEROP_FULL=1"),)
            yield pytest.param(model, config, id=f"{model}-{config}", marks=marks)


@pytest.fixture(scope="session")
def float_outputs(tmp_path_factory):
    cache = {}

    def get(model):
        if model not in cache:
            path, int_high = MODELS[model]
            out = tmp_path_factory.mktemp("float") / f"{model}.npz"
            result, outputs = run_apple(path, out, int_high)
            assert result["ok"], f"Apple's runtime fails on the float {model}: {result}"
            cache[model] = outputs
        return cache[model]

    return get


@pytest.mark.parametrize("model,config", list(_cases()))
def test_quantized_runs_on_apple_runtime(model, config, float_outputs, tmp_path):
    from coreai_opt import AIProgram
    from coreai_opt.coreai_utils import quantize_weights

    path, int_high = MODELS[model]
    kwargs, floor = CONFIGS[config]
    reference = float_outputs(model)

    quantized = quantize_weights(AIProgram.load(path), **kwargs)
    text = quantized.to_text(generic=False)
    n_quantized = len(re.findall(r"coreai\.blockwise_shift_scale", text))
    assert n_quantized > 0, f"nothing was quantized in {model} with {config}"
    qpath = tmp_path / f"{model}.{config}.mlir"
    qpath.write_text(text)

    result, outputs = run_apple(qpath, tmp_path / "q.npz", int_high)
    assert result["ok"], (f"Apple's {result['stage']} rejects our {config} output of {model}:\n"
                          f"{result['error']}\n{result.get('traceback', '')}")
    sqnr = sqnr_db(reference, outputs)
    SQNR_TABLE[(model, config)] = (sqnr, n_quantized)
    print(f"SQNR {model} {config}: {sqnr:.2f} dB ({n_quantized} weights quantized)")
    assert sqnr >= floor, f"SQNR {sqnr:.2f} dB below the floor {floor} dB for {model} {config}"


def test_generic_form_of_every_configuration_parses_in_coreai(tmp_path):
    """Our generic-form print of each configuration's output (on two models)
    is read and verified by Apple's parser too."""
    from coreai_opt import AIProgram
    from coreai_opt.coreai_utils import quantize_weights

    from interop_common import apple_parse_files

    paths = []
    for model in ("real-linear", "encoder.f16"):
        for config, (kwargs, _) in CONFIGS.items():
            q = quantize_weights(AIProgram.load(MODELS[model][0]), **kwargs)
            p = tmp_path / f"{model}.{config}.generic.mlir"
            p.write_text(q.to_text(generic=True))
            paths.append(p)
    results = apple_parse_files(paths)
    bad = {Path(k).name: err for k, (ok, err) in results.items() if not ok}
    assert not bad, bad

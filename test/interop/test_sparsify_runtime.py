"""sparsify_weights' output run by Apple's CPU runtime on programs whose output is the
decoded weight (the identity programs of test_palettize_runtime.py): the runtime must give,
value for value, the weight decoded from the printed IR in numpy
(test/python/sparse_reference.py), which holds exactly the elements the spec prunes as
zeros: every mode (unstructured, block, n:m), joint mode (INT8, UINT8, FP8, palettization),
weight type and consumer. This also checks the mask's bit order and that numNonZero is
right (the runtime aborts otherwise)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from interop_common import REPO
from test_palettize_runtime import CONSUMERS, DTYPES, transform_matrix

sys.path.insert(0, str(REPO / "test" / "python"))
import sparse_reference as sr  # noqa: E402

CONFIGS = {
    "s50": dict(target_sparsity=0.5),
    "s30": dict(target_sparsity=0.3),
    "s100": dict(target_sparsity=1.0),
    "s0": dict(target_sparsity=0.0),
    "block4": dict(target_sparsity=0.5, block_size=4),
    "nm24": dict(target_sparsity=None, n_m_ratio=(2, 4)),
    "nm13": dict(target_sparsity=None, n_m_ratio=(1, 3)),
    "int8": dict(target_sparsity=0.5, quantize_dtype="int8"),
    "uint8": dict(target_sparsity=0.5, quantize_dtype="uint8"),
    "e4m3": dict(target_sparsity=0.4, quantize_dtype="fp8_e4m3fn"),
    "e5m2": dict(target_sparsity=0.5, quantize_dtype="fp8_e5m2"),
    "lut3": dict(target_sparsity=0.5, palettize_nbits=3),
    "nm24_lut4": dict(target_sparsity=None, n_m_ratio=(2, 4), palettize_nbits=4),
}


@pytest.fixture(scope="module", params=sorted(DTYPES))
def runtime_results(request, tmp_path_factory):
    """Every consumer x configuration sparsified for one weight type."""
    from coreai_opt.coreai_utils import sparsify_weights

    et = request.param
    return et, transform_matrix(sparsify_weights, sr.sparse_weights, CONFIGS, et,
                                tmp_path_factory.mktemp(f"sparsify-{et}"))


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("consumer", CONSUMERS)
def test_runtime_output_is_the_numpy_decode(runtime_results, consumer, config):
    et, cases = runtime_results
    w, decoded, back, result, outputs = cases[(consumer, config)]
    assert len(decoded) == 1, f"{consumer} {config}: the weight was not sparsified"
    assert result["ok"], (f"Apple's {result['stage']} rejects {consumer} {config} ({et}):\n"
                          f"{result['error']}\n{result.get('traceback', '')}")
    (output,) = outputs.values()
    runtime = back(np.asarray(output)).astype(np.float64)
    np.testing.assert_array_equal(runtime, decoded[0].decoded)
    # Exactly the spec's zeros, wherever the weight had none.
    kwargs = CONFIGS[config]
    axis_out, axis_in = {"bmm_y": (1, 0), "bmm_x": (0, 1), "transpose_mm": (0, 1),
                         "conv1x1": (0, 1), "gather_nd": (0, 1)}[consumer]
    pruned = sr.prune(w, kwargs.get("target_sparsity"), kwargs.get("block_size"),
                      kwargs.get("n_m_ratio"), axis_out, axis_in)
    np.testing.assert_array_equal(decoded[0].mask, pruned != 0)

"""palettize_weights' output run by Apple's CPU runtime (coreai-core 1.0.0b3) on programs
whose output *is* the decoded weight: an identity input through batch_matmul (weight as x
or y), transpose + matmul, a 1x1 conv2d, or an iota gather_nd. The runtime's output must
equal, bit for bit (value for value: −0 may become +0), the weight decoded from the printed
IR in numpy (test/python/palette_reference.py), for every weight type, consumer, index
width, granularity, vector size, LUT type and per-channel scale (docs/spec/
PALETTIZE_WEIGHTS.md §9). All programs of a weight type run in one runner process."""

from __future__ import annotations

import sys

import ml_dtypes
import numpy as np
import pytest

from interop_common import REPO, run_apple_given

sys.path.insert(0, str(REPO / "test" / "python"))
import palette_reference as pr  # noqa: E402

DTYPES = {"f32": np.dtype(np.float32), "f16": np.dtype(np.float16),
          "bf16": np.dtype(ml_dtypes.bfloat16)}

# name -> palettize_weights kwargs (weight_num_threshold=0 added)
CONFIGS = {
    "n4_tensor": dict(n_bits=4),
    "n1_channel": dict(n_bits=1, granularity="per_channel"),
    "n3_grouped": dict(n_bits=3, granularity="per_grouped_channel", group_size=4),
    "n6_tensor": dict(n_bits=6),
    "n8_grouped": dict(n_bits=8, granularity="per_grouped_channel", group_size=8),
    "n2_cd2": dict(n_bits=2, cluster_dim=2),
    "n4_cd4_grouped": dict(n_bits=4, cluster_dim=4, granularity="per_grouped_channel",
                           group_size=8),
    "int8_grouped": dict(lut_dtype="int8", granularity="per_grouped_channel", group_size=4),
    "uint8_tensor": dict(lut_dtype="uint8", n_bits=3),
    "e4m3_cd2": dict(lut_dtype="fp8_e4m3fn", cluster_dim=2),
    "e5m2_channel": dict(lut_dtype="fp8_e5m2", granularity="per_channel"),
    "pcs": dict(enable_per_channel_scale=True, n_bits=2),
    "pcs_uint8_grouped": dict(enable_per_channel_scale=True, lut_dtype="uint8",
                              granularity="per_grouped_channel", group_size=4),
    "pcs_int8_channel": dict(enable_per_channel_scale=True, lut_dtype="int8",
                             granularity="per_channel", n_bits=3),
    "pcs_e5m2": dict(enable_per_channel_scale=True, lut_dtype="fp8_e5m2"),
}
CONSUMERS = ["bmm_y", "bmm_x", "transpose_mm", "conv1x1", "gather_nd"]


def _type(shape, et):
    return "tensor<" + "".join(f"{d}x" for d in shape) + et + ">"


def _blob(w: np.ndarray) -> str:
    raw = w.view(np.uint16).astype("<u2").tobytes() if w.dtype == DTYPES["bf16"] \
        else w.astype(w.dtype.newbyteorder("<")).tobytes()
    return "0x10000000" + raw.hex().upper()


def identity_program(w: np.ndarray, et: str, consumer: str):
    """(program text, inputs, f(output) -> the weight)."""
    wt = _type(w.shape, et)
    dt = w.dtype
    lines = []
    if consumer == "bmm_y":            # eye(K) @ W[K, N]
        k, n = w.shape
        it, ot = _type((k, k), et), _type((k, n), et)
        args, inputs = f"%x: {it}", {"x": np.eye(k, dtype=np.float32).astype(dt)}
        lines.append(f"%1 = coreai.batch_matmul %x, %w : ({it}, {wt}) -> {ot}")
        back = lambda o: o  # noqa: E731
    elif consumer == "bmm_x":          # W[M, K] @ eye(K)
        m, k = w.shape
        it, ot = _type((k, k), et), _type((m, k), et)
        args, inputs = f"%x: {it}", {"x": np.eye(k, dtype=np.float32).astype(dt)}
        lines.append(f"%1 = coreai.batch_matmul %w, %x : ({wt}, {it}) -> {ot}")
        back = lambda o: o  # noqa: E731
    elif consumer == "transpose_mm":   # eye(K) @ W[N, K]^T
        n, k = w.shape
        it, tt, ot = _type((k, k), et), _type((k, n), et), _type((k, n), et)
        args, inputs = f"%x: {it}", {"x": np.eye(k, dtype=np.float32).astype(dt)}
        lines.append("%p = coreai.constant dense<[1, 0]> : tensor<2xui32>")
        lines.append(f"%t = coreai.transpose %w, %p : ({wt}, tensor<2xui32>) -> {tt}")
        lines.append(f"%1 = coreai.decomposable.broadcasting_batch_matmul %x, %t : "
                     f"({it}, {tt}) -> {ot}")
        back = lambda o: o.T  # noqa: E731
    elif consumer == "conv1x1":        # x[0, c, 0, j] = (c == j): out[0, o, 0, j] = W[o, j]
        cout, cin = w.shape[:2]
        it, ot = _type((1, cin, 1, cin), et), _type((1, cout, 1, cin), et)
        x = np.eye(cin, dtype=np.float32).reshape(1, cin, 1, cin).astype(dt)
        args, inputs = f"%x: {it}", {"x": x}
        lines.append("%s = coreai.constant dense<1> : tensor<2xui32>")
        lines.append("%g = coreai.constant dense<1> : tensor<ui32>")
        lines.append(f"%1 = coreai.conv2d %x, %w, %s, %s, %g : ({it}, {wt}, tensor<2xui32>, "
                     f"tensor<2xui32>, tensor<ui32>) -> {ot}")
        back = lambda o: o.reshape(cout, cin, 1, 1)  # noqa: E731
    elif consumer == "gather_nd":      # rows 0..V-1 in order
        v = w.shape[0]
        it, ot = _type((v, 1), "si32"), wt
        args = f"%x: {it}"
        inputs = {"x": np.arange(v, dtype=np.int32).reshape(v, 1)}
        lines.append(f"%1 = coreai.gather_nd %w at %x : ({wt}, {it}) to {ot}")
        back = lambda o: o  # noqa: E731
    else:
        raise ValueError(consumer)
    out_type = lines[-1].rsplit(" ", 1)[-1]
    body = "\n".join(f"    {line}" for line in lines)
    text = (f"module {{\n  coreai.graph @main({args} {{coreai.name = \"x\"}}) -> "
            f"({out_type} {{coreai.name = \"y\"}}) {{\n"
            f"    %w = coreai.constant dense_resource<weight> : {wt}\n{body}\n"
            f"    coreai.output %1 : {out_type}\n  }}\n}}\n\n"
            f"{{-#\n  dialect_resources: {{\n    builtin: {{\n      weight: \"{_blob(w)}\"\n"
            f"    }}\n  }}\n#-}}\n")
    return text, inputs, back


def _weight(consumer, dt, seed):
    shape = (16, 8, 1, 1) if consumer == "conv1x1" else (16, 24)
    rng = np.random.default_rng(seed)
    rows = np.exp(rng.uniform(-2, 2, (shape[0],) + (1,) * (len(shape) - 1)))
    return (rng.standard_normal(shape) * 0.05 * rows).astype(np.float32).astype(dt)


def transform_matrix(transform, decode, configs: dict, et: str, tmp):
    """``transform`` applied to an identity program of every consumer x configuration on a
    weight of type ``et``, all run in Apple's runtime in one process: {(consumer, config):
    (weight, decode(printed text), output -> weight, runner result, outputs)}."""
    from coreai_opt import AIProgram

    cases, programs = {}, {}
    for ci, consumer in enumerate(CONSUMERS):
        for config, kwargs in configs.items():
            w = _weight(consumer, DTYPES[et], seed=ci)
            text, inputs, back = identity_program(w, et, consumer)
            out_text = transform(AIProgram.parse(text), weight_num_threshold=0,
                                 **kwargs).to_text(generic=False)
            programs[(consumer, config)] = (out_text, inputs)
            cases[(consumer, config)] = (w, decode(out_text), back)
    ran = run_apple_given(programs, tmp)
    return {key: (*case, *ran[key]) for key, case in cases.items()}


@pytest.fixture(scope="module", params=sorted(DTYPES))
def runtime_results(request, tmp_path_factory):
    """Every consumer x configuration palettized for one weight type."""
    from coreai_opt.coreai_utils import palettize_weights

    et = request.param
    return et, transform_matrix(palettize_weights, pr.palettized_weights, CONFIGS, et,
                                tmp_path_factory.mktemp(f"palettize-{et}"))


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("consumer", CONSUMERS)
def test_runtime_output_is_the_numpy_decode(runtime_results, consumer, config):
    et, cases = runtime_results
    w, decoded, back, result, outputs = cases[(consumer, config)]
    assert len(decoded) == 1, f"{consumer} {config}: the weight was not palettized"
    assert result["ok"], (f"Apple's {result['stage']} rejects {consumer} {config} ({et}):\n"
                          f"{result['error']}\n{result.get('traceback', '')}")
    (output,) = outputs.values()
    runtime = back(np.asarray(output)).astype(np.float64)
    numpy_decode = decoded[0].decode().astype(np.float64)
    np.testing.assert_array_equal(runtime, numpy_decode)
    assert pr.nearest_violations(w, decoded[0]) == 0

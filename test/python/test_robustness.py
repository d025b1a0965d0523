"""Robustness: bad input never crashes, loses or corrupts anything.

Every malformed input goes through every entry point:

* ``coreai-opt`` (in a subprocess; exit code 0 or 1, never a signal, never "LLVM ERROR";
  on failure a message on stderr, an existing ``-o`` file left byte-identical, none created,
  no temporary file left behind);
* ``AIProgram.parse`` / ``AIProgram.load``, the three transforms and a ``PassManager``
  pipeline, run by a small driver in a subprocess so that an abort of MLIR fails one case
  instead of killing pytest (a ``CoreAIError`` is the expected outcome for IR problems,
  ``ValueError`` for bad arguments).

Hard weights (NaN/Inf, zero blocks, subnormals, tiny f16 blocks, huge magnitudes, zero-size
dims, rank 1 and 5, shared constants) are quantized and the output decoded independently
(``mlir_blobs``): no NaN/Inf/zero scale is ever written, skipped constants are reported and
left bit-identical.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import ml_dtypes
import numpy as np
import pytest

from conftest import FIXTURES_DIR, make_program, quantized_weights
from palette_reference import palettized_weights
from sparse_reference import sparse_weights
import mlir_blobs as mb

from coreai_opt import AIProgram
from coreai_opt.coreai_utils import CompressionGranularity, DType, quantize_weights

FIXTURES = sorted(f for f in os.listdir(FIXTURES_DIR) if f.endswith(".mlir"))
CRASH_MARKERS = ("LLVM ERROR", "Stack dump", "Assertion", "PLEASE submit", "Segmentation",
                 "AddressSanitizer", "runtime error:", "Traceback")
QUANT_ARGS = ["--verify-each", "--quantize-weights=dtype=int4 granularity=per_block"]


def coreai_opt_path() -> str:
    candidates = [os.path.join(sysconfig.get_path("scripts"), "coreai-opt"),
                  os.path.join(os.path.dirname(sys.executable), "coreai-opt")]
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    found = shutil.which("coreai-opt")
    if not found:
        pytest.fail("coreai-opt is not installed: pip install .")
    return found


def run_cli(args, timeout=60, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([coreai_opt_path(), *args], capture_output=True, timeout=timeout,
                          cwd=cwd)


def assert_no_crash(proc, what=""):
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode in (0, 1), f"{what}: exit code {proc.returncode}\n{err[-2000:]}"
    for marker in CRASH_MARKERS:
        assert marker not in err, f"{what}: {marker!r} on stderr\n{err[-2000:]}"


def dir_listing(d):
    return sorted(os.listdir(d))


def cli_case(tmp_path, name: str, data: bytes, args=QUANT_ARGS, expect_error=True):
    """Runs coreai-opt on ``data`` with a pre-existing and with an absent output file."""
    d = tmp_path / f"cli_{name}"
    d.mkdir()
    src = d / "in.mlir"
    src.write_bytes(data)
    out = d / "out.mlir"
    sentinel = b"SENTINEL: must survive a failed run\n"
    out.write_bytes(sentinel)
    before = dir_listing(d)
    proc = run_cli([*args, str(src), "-o", str(out)])
    assert_no_crash(proc, name)
    err = proc.stderr.decode(errors="replace")
    if expect_error:
        assert proc.returncode == 1, f"{name}: expected a diagnostic, got exit 0\n{err}"
    if proc.returncode == 1:
        assert "error" in err.lower(), f"{name}: exit 1 without an error message: {err!r}"
        assert out.read_bytes() == sentinel, f"{name}: failed run touched the output"
        assert dir_listing(d) == before, f"{name}: files left: {dir_listing(d)}"
        # and with no output file at all: none is created
        out.unlink()
        proc2 = run_cli([*args, str(src), "-o", str(out)])
        assert_no_crash(proc2, name)
        assert proc2.returncode == 1
        assert not out.exists(), f"{name}: failed run created the output"
        assert dir_listing(d) == ["in.mlir"], f"{name}: files left: {dir_listing(d)}"
    else:
        text = out.read_text()
        assert_finite_scales(text)
        assert dir_listing(d) == before
    return proc


# --------------------------------------------------------------------------- python driver

DRIVER = textwrap.dedent(r'''
    import json, sys, logging
    logging.disable(logging.CRITICAL)
    from coreai_opt import AIProgram
    from coreai_opt.program import CoreAIError
    from coreai_opt.coreai_utils import palettize_weights, quantize_weights, sparsify_weights
    import coreai_opt._coreai as native
    from mlir.passmanager import PassManager

    def outcome(fn):
        try:
            r = fn()
            return ["ok", "", r]
        except Exception as e:
            return [type(e).__name__, str(e)[:600], [c.__name__ for c in type(e).__mro__]]

    native.register_passes()
    for path in sys.argv[1:]:
        print(json.dumps({"start": path}), flush=True)
        data = open(path, "rb").read()
        res = {"path": path}
        res["parse"] = outcome(lambda: AIProgram.parse(data) and None)
        res["load"] = outcome(lambda: AIProgram.load(path) and None)
        def quant():
            p = AIProgram.load(path)
            q = quantize_weights(p, "int4", granularity="per_block", block_size=32,
                                 weight_num_threshold=0)
            q.verify()
            return str(q)
        res["quantize"] = outcome(quant)
        def palettize():
            p = AIProgram.load(path)
            q = palettize_weights(p, "uint8", n_bits=3, granularity="per_grouped_channel",
                                  group_size=4, weight_num_threshold=0)
            q.verify()
            return str(q)
        res["palettize"] = outcome(palettize)
        def sparsify():
            p = AIProgram.load(path)
            q = sparsify_weights(p, 0.5, block_size=2, palettize_nbits=3,
                                 weight_num_threshold=0)
            q.verify()
            return str(q)
        res["sparsify"] = outcome(sparsify)
        def pipeline():
            p = AIProgram.load(path)
            pm = PassManager.parse(
                "builtin.module(quantize-weights{dtype=int8 granularity=per_channel "
                "weight-num-threshold=0})", context=p.context)
            pm.run(p.module.operation)
            p.verify()
            return str(p)
        res["pipeline"] = outcome(pipeline)
        print(json.dumps(res), flush=True)
    print(json.dumps({"done": True}), flush=True)
''')


def run_python_entry_points(paths, tmp_path, timeout=300):
    """{path: {entry: [kind, message, extra]}} for every Python entry point.

    A case that kills the interpreter (abort, signal) is recorded as
    ``{"crashed": returncode, "stderr": ...}`` and the driver restarts after it."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    remaining = [str(p) for p in paths]
    results = {}
    while remaining:
        proc = subprocess.run([sys.executable, str(driver), *remaining],
                              capture_output=True, timeout=timeout)
        lines = [json.loads(l) for l in proc.stdout.decode().splitlines() if l.startswith("{")]
        for l in lines:
            if "path" in l:
                results[l["path"]] = l
        if proc.returncode == 0 and lines and lines[-1].get("done"):
            break
        started = [l["start"] for l in lines if "start" in l]
        if not started:
            raise AssertionError(f"driver failed: {proc.stderr.decode(errors='replace')[-3000:]}")
        crashed = started[-1]
        results[crashed] = {"path": crashed, "crashed": proc.returncode,
                            "stderr": proc.stderr.decode(errors="replace")[-3000:]}
        remaining = remaining[remaining.index(crashed) + 1:]
    return results


def check_python_outcome(res, expect_error, pattern=None):
    name = res["path"]
    assert "crashed" not in res, (
        f"{name}: a Python entry point killed the process (exit {res.get('crashed')}):\n"
        f"{res.get('stderr')}")
    for marker in CRASH_MARKERS[:4]:
        assert marker not in res.get("stderr", "")
    for entry in ("parse", "load", "quantize", "palettize", "sparsify", "pipeline"):
        kind, msg, extra = res[entry]
        if kind == "ok":
            assert not expect_error, f"{name}: {entry} accepted bad input"
            if entry in ("quantize", "pipeline"):
                assert_finite_scales(extra)
            if entry == "palettize":
                assert_finite_palettes(extra)
            if entry == "sparsify":
                assert_finite_sparse(extra)
            continue
        # MLIR problems: our CoreAIError (or MLIRError from the PassManager entry point)
        assert "CoreAIError" in extra or kind == "MLIRError", (
            f"{name}: {entry} raised {kind}: {msg}")
        assert msg.strip(), f"{name}: {entry} raised {kind} without a message"
        if pattern and entry in ("parse", "load"):
            assert re.search(pattern, msg, re.S | re.I), f"{name}: {entry}: {msg!r} !~ {pattern}"


def assert_finite_scales(text: str):
    """No blockwise_shift_scale of ``text`` has a NaN/Inf/zero/negative scale."""
    if "blockwise_shift_scale" not in text or "{-#" not in text and "dense_resource" in text:
        return
    if "coreai.blockwise_shift_scale" not in text:
        return   # generic form: not decoded here
    for q in quantized_weights(text):
        s = np.asarray(q.scale).astype(np.float64)
        assert np.all(np.isfinite(s)), f"non-finite scale in {q.result}"
        assert np.all(s > 0), f"zero/negative scale in {q.result}"
        assert np.all(np.isfinite(q.dequantize())), f"non-finite dequantized {q.result}"


def assert_finite_palettes(text: str):
    """Every lut_to_dense of ``text`` (custom form) decodes to finite values."""
    if "coreai.lut_to_dense" not in text:
        return
    for pw in palettized_weights(text):
        assert np.all(np.isfinite(pw.decode().astype(np.float64))), f"non-finite {pw.result}"


def assert_finite_sparse(text: str):
    """Every sparse weight of ``text`` (custom form) has numNonZero = its values' length =
    its mask's popcount, and decodes to finite values."""
    if "coreai.build_sparse_with_bitmask" not in text:
        return
    for sw in sparse_weights(text):
        assert sw.num_non_zero == sw.values.size == int(sw.mask.sum()), sw.result
        assert np.all(np.isfinite(sw.decoded)), f"non-finite {sw.result}"


# --------------------------------------------------------------------------- bad inputs

SMALL = textwrap.dedent('''\
    module {
      coreai.graph @main(%arg0: tensor<4x8xf32>) -> (tensor<4x4xf32>) {
        %0 = coreai.constant dense_resource<blob> : tensor<8x4xTY>
        %1 = coreai.batch_matmul %arg0, %0 : (tensor<4x8xf32>, tensor<8x4xTY>) -> tensor<4x4xf32>
        coreai.output %1 : tensor<4x4xf32>
      }
    }
    ''')


def small_program(ty="f32", nbytes=None, align="10000000", blob=True) -> str:
    text = SMALL.replace("TY", ty)
    if ty != "f32":   # keep the matmul well typed
        text = text.replace(f"tensor<8x4x{ty}>) -> tensor<4x4xf32>",
                            f"tensor<8x4x{ty}>) -> tensor<4x4xf32>")
    if not blob:
        return text
    if nbytes is None:
        nbytes = {"f32": 128, "si4": 16, "f16": 64}[ty]
    data = "".join(f"{(i * 37) & 0x3F:02X}" for i in range(nbytes))
    return text + ("\n{-#\n  dialect_resources: {\n    builtin: {\n"
                   f'      blob: "0x{align}{data}"\n    }}\n  }}\n#-}}\n')


BSS = textwrap.dedent('''\
    module {
      coreai.graph @main() -> (tensor<RES>) {
        %0 = coreai.constant dense<1> : tensor<DATA>
        %1 = coreai.constant dense<1.0> : tensor<SCALE>
        %2 = coreai.constant dense<OFF1V> : tensor<OFF1>
        %3 = coreai.constant dense<0.0> : tensor<OFF2>
        %4 = coreai.blockwise_shift_scale %0, %1, %2, %3 : (tensor<DATA>, tensor<SCALE>, tensor<OFF1>, tensor<OFF2>) -> tensor<RES>
        coreai.output %4 : tensor<RES>
      }
    }
    ''')


def bss(data="8x32xsi4", scale="8x1xf32", off1="8x1xsi4", off2="8x1xf32", res="8x32xf32",
        off1v="0"):
    t = BSS
    for k, v in (("DATA", data), ("SCALE", scale), ("OFF1V", off1v), ("OFF1", off1),
                 ("OFF2", off2), ("RES", res)):
        t = t.replace(k, v)
    # integer literals of float tensors need a trailing ".0"
    return re.sub(r"dense<(-?\d+)> : tensor<((?:\d+x)*)(f|bf)", r"dense<\1.0> : tensor<\2\3", t)


def _nested(n):
    return "module attributes {x.a = " + "[" * n + "]" * n + "} {\n}\n"


BAD_INPUTS = {
    # name: (bytes, regex the Python message must match)
    "empty_bytes_garbage": (b"\x00\x01\x02garbage", r"."),
    "bad_utf8_in_code": (b"module {\n  \xff\xfe\xfd coreai.graph\n}\n", r"unexpected|invalid|utf"),
    "bad_utf8_in_string": (small_program().replace("@main", "@m\xe9in").encode("latin-1"),
                           r"."),
    "bad_utf8_in_blob": (small_program().replace('"0x10000000', '"0x10000000\xff').encode(
        "latin-1"), r"."),
    "missing_blob": (small_program(blob=False).encode(), r"missing"),
    "missing_blob_other_name": (small_program().replace("blob:", "other:").encode(),
                                r"missing"),
    "blob_short_f32": (small_program("f32", 127).encode(), r"127 bytes"),
    "blob_long_f32": (small_program("f32", 129).encode(), r"129 bytes"),
    "blob_empty_f32": (small_program("f32", 0).encode(), r"0 bytes|short|missing"),
    "blob_short_si4": (small_program("si4", 15).encode(), r"15 bytes"),
    "blob_long_si4": (small_program("si4", 17).encode(), r"17 bytes"),
    "blob_si4_one_per_byte": (small_program("si4", 32).encode(), r"32 bytes"),
    "blob_alignment_0": (small_program(align="00000000").encode(), r"alignment 0"),
    "blob_alignment_3": (small_program(align="03000000").encode(), r"alignment"),
    "unterminated_blob_string": (b'module {\n}\n{-#\n  dialect_resources: {\n    builtin: {\n'
                                 b'      r: "0x10000000', r"string|expected"),
    "bad_escape_in_blob_string": (b'module {\n}\n{-#\n  dialect_resources: {\n    builtin: {\n'
                                  b'      r: "0x10000000\\q"\n    }\n  }\n#-}\n', r"escape"),
    "unterminated_string_attr": (b'module attributes {x.a = "abc', r"string|expected"),
    "empty_module_generic_no_block": (b'"builtin.module"() ({\n}) : () -> ()\n', r"block"),
    "blob_odd_hex_digits": (small_program().replace('"0x10000000', '"0x100000000').encode(),
                            r"odd|hex|."),
    "blob_no_header": (small_program().replace(small_program().split('"0x')[1].split('"')[0],
                                               "1000").encode(), r"short|alignment|."),
    "blob_not_hex": (small_program().replace('"0x10000000', '"0x1000000ZZ').encode(), r"."),
    "nested_brackets_10000": (_nested(10000).encode(), r"nested"),
    "nested_angles_10000": (("module attributes {x.a = " + "#x.y<" * 10000 + ">" * 10000
                             + "} {\n}\n").encode(), r"nested"),
    "nested_parens_100000": (("module {\n %0 = \"x.y\"" + "(" * 100000 + "\n}\n").encode(),
                             r"nested"),
    "nested_regions_10000": (("module {\n" + '"x.op"() ({\n' * 10000 + "}) : () -> ()\n" * 10000
                              + "}\n").encode(), r"nested"),
    "unknown_coreai_op": (b"module {\n  coreai.frobnicate\n}\n", r"coreai\.frobnicate"),
    "unknown_coreai_op_generic": (b'"builtin.module"() ({\n  "coreai.frobnicate"() : () -> ()\n'
                                  b'}) : () -> ()\n', r"coreai\.frobnicate"),
    "unknown_coreai_attr": (b"module attributes {x.a = #coreai.bogus<1>} {\n}\n", r"bogus"),
    "unknown_coreai_type": (b"module attributes {x.a = !coreai.bogus} {\n}\n", r"bogus"),
    "constant_wrong_value_type": (small_program().replace(
        "dense_resource<blob> : tensor<8x4xf32>", "dense<1> : tensor<8x4xsi32>").encode(), r"."),
    "matmul_shape_mismatch": (small_program().replace(
        "(tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>",
        "(tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x5xf32>").encode(), r"."),
    "graph_output_type_mismatch": (small_program().replace(
        "coreai.output %1 : tensor<4x4xf32>", "coreai.output %arg0 : tensor<4x8xf32>").encode(),
        r"."),
    "bss_data_signless_i4": (bss(data="8x32xi4", off1="8x1xi4").encode(), r"data element type"),
    "bss_data_si32": (bss(data="8x32xsi32", off1="8x1xsi32").encode(), r"data element type"),
    "bss_offset1_type": (bss(off1="8x1xsi8").encode(), r"offset1 element type"),
    "bss_scale_shape": (bss(scale="8x2xf32").encode(), r"same shape"),
    "bss_result_type": (bss(res="8x32xf16").encode(), r"result element type"),
    "bss_result_shape": (bss(res="8x16xf32").encode(), r"result shape"),
    "bss_scale_rank": (bss(scale="8x1x1xf32", off1="8x1x1xsi4", off2="8x1x1xf32").encode(),
                       r"rank"),
    "bss_not_divisible": (bss(scale="8x3xf32", off1="8x3xsi4", off2="8x3xf32").encode(),
                          r"divisible"),
    "bss_fp8_nonzero_offset1": (bss(data="8x32xf8E4M3FN", off1="8x1xf8E4M3FN", off1v="1.0")
                                .replace("dense<1> : tensor<8x32xf8E4M3FN>",
                                         "dense<1.0> : tensor<8x32xf8E4M3FN>").encode(),
                                r"offset1 must be a constant zero"),
    "bss_fp4_scale_f32": (bss(data="8x32xf4E2M1FN", off1="8x1xf4E2M1FN", off1v="0.0").encode(),
                          r"scale element type"),
    "bss_fp8_scale_si8": (bss(data="8x32xf8E4M3FN", scale="8x1xsi8", off1="8x1xf8E4M3FN",
                              off1v="0.0").replace("dense<1> : tensor<8x32xf8E4M3FN>",
                                                   "dense<1.0> : tensor<8x32xf8E4M3FN>")
                          .replace("dense<1.0> : tensor<8x1xsi8>", "dense<1> : tensor<8x1xsi8>")
                          .encode(), r"scale element type"),
    "bytecode_magic_then_garbage": (b"ML\xefR" + b"\x00garbage" * 10, r"."),
}

for _fixture in FIXTURES:
    _data = open(os.path.join(FIXTURES_DIR, _fixture), "rb").read()
    _res = _data.find(b"{-#")
    _cuts = {"10pct": len(_data) // 10, "half": len(_data) // 2, "before_resources": _res,
             "in_blob": _res + (len(_data) - _res) // 2 + 1, "minus_12": len(_data) - 12}
    for _label, _cut in _cuts.items():
        if 0 < _cut < len(_data):
            BAD_INPUTS[f"truncated_{_fixture}_{_label}"] = (_data[:_cut], r".")


# --------------------------------------------------------------------------- tests: CLI

def _bad_params():
    return sorted(BAD_INPUTS)


@pytest.mark.parametrize("name", _bad_params())
def test_bad_input_cli(tmp_path, name):
    cli_case(tmp_path, name, BAD_INPUTS[name][0])


@pytest.fixture(scope="module")
def python_outcomes(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad_inputs")
    paths = []
    for name, (data, _) in sorted(BAD_INPUTS.items()):
        p = d / f"{name}.mlir"
        p.write_bytes(data)
        paths.append(p)
    return {os.path.basename(k)[:-5]: v for k, v in
            run_python_entry_points(paths, d).items()}


@pytest.mark.parametrize("name", _bad_params())
def test_bad_input_python_entry_points(python_outcomes, name):
    check_python_outcome(python_outcomes[name], expect_error=True, pattern=BAD_INPUTS[name][1])


def test_nested_brackets_in_process_is_diagnosed():
    from coreai_opt.program import ParseError
    with pytest.raises(ParseError, match="nested"):
        AIProgram.parse(_nested(10000))


def test_alignment_zero_in_process_is_diagnosed():
    from coreai_opt.program import ParseError
    with pytest.raises(ParseError, match="alignment 0"):
        AIProgram.parse(small_program(align="00000000"))


def test_parse_error_carries_file_line(tmp_path):
    from coreai_opt.program import ParseError
    p = tmp_path / "bad.mlir"
    p.write_text("module {\n\n  coreai.frobnicate\n}\n")
    with pytest.raises(ParseError) as info:
        AIProgram.load(p)
    msg = str(info.value)
    assert "bad.mlir" in msg and ":3:" in msg and "coreai.frobnicate" in msg


# --------------------------------------------------------------------------- accepted inputs

GOOD_ODD_INPUTS = {
    "empty_file": b"",
    "whitespace_only": b"\n\n   \n",
    "comment_only": b"// nothing here\n",
    "empty_module": b"module {\n}\n",
    "empty_module_generic": b'"builtin.module"() ({\n^bb0:\n}) : () -> ()\n',
    "blob_alignment_2p31": small_program(align="00000080").encode(),
    "no_candidates_small": small_program().encode(),
    "foreign_ops_and_attrs": (b'module attributes {x.a = #param.foo<"a">} {\n'
                              b'  "udml.thing"() {udml.y = #udml.z<1>} : () -> ()\n}\n'),
    "nested_brackets_200": _nested(200).encode(),
}


@pytest.mark.parametrize("name", sorted(GOOD_ODD_INPUTS))
def test_odd_but_valid_input_cli(tmp_path, name):
    proc = cli_case(tmp_path, name, GOOD_ODD_INPUTS[name], expect_error=False)
    assert proc.returncode == 0, proc.stderr.decode()


def test_odd_but_valid_input_python(tmp_path):
    paths = []
    for name, data in sorted(GOOD_ODD_INPUTS.items()):
        p = tmp_path / f"{name}.mlir"
        p.write_bytes(data)
        paths.append(p)
    for path, res in run_python_entry_points(paths, tmp_path).items():
        check_python_outcome(res, expect_error=False)


def test_no_candidates_program_unchanged():
    text = small_program()
    p = AIProgram.parse(text)
    q = quantize_weights(p, DType.INT4, granularity=CompressionGranularity.PER_BLOCK)
    assert str(q) == str(p)


def test_empty_program_quantize():
    for text in ("", "module {\n}\n"):
        p = AIProgram.parse(text)
        q = quantize_weights(p, DType.INT8)
        assert str(q) == str(p)


def test_foreign_dialect_kept_through_quantize():
    text = ('module attributes {x.a = #param.foo<"a">} {\n'
            '  "udml.thing"() {udml.y = #udml.z<1>} : () -> ()\n}\n')
    q = quantize_weights(AIProgram.parse(text), DType.INT8)
    assert '#param.foo<"a">' in str(q) and '"udml.thing"()' in str(q) and "#udml.z<1>" in str(q)


# --------------------------------------------------------------------------- bad options

LINEAR = os.path.join(FIXTURES_DIR, "linear.mlir")

BAD_OPTIONS = {
    # name: (CLI pass option text, quantize_weights kwargs)
    "unknown_dtype": ("dtype=int5", dict(dtype="int5")),
    "scale_dtype_as_dtype": ("dtype=fp8_e8m0fnu", dict(dtype="fp8_e8m0fnu")),
    "missing_dtype": ("granularity=per_block", None),
    "empty_dtype": ("dtype=", dict(dtype="")),
    "unknown_granularity": ("dtype=int4 granularity=per_row", dict(dtype="int4",
                                                                   granularity="per_row")),
    "grouped_channel": ("dtype=int4 granularity=per_grouped_channel",
                        dict(dtype="int4", granularity="per_grouped_channel")),
    "unknown_qscheme": ("dtype=int4 qscheme=skewed", dict(dtype="int4", qscheme="skewed")),
    "block_size_0": ("dtype=int4 granularity=per_block block-size=0",
                     dict(dtype="int4", granularity="per_block", block_size=0)),
    "block_size_neg": ("dtype=int4 granularity=per_block block-size=-1",
                       dict(dtype="int4", granularity="per_block", block_size=-1)),
    "block_size_2p63": ("dtype=int4 granularity=per_block block-size=9223372036854775808",
                        dict(dtype="int4", granularity="per_block", block_size=2 ** 63)),
    "block_size_2p64": ("dtype=int4 granularity=per_block block-size=18446744073709551616",
                        dict(dtype="int4", granularity="per_block", block_size=2 ** 64)),
    "block_size_text": ("dtype=int4 granularity=per_block block-size=abc", None),
    "threshold_neg": ("dtype=int4 weight-num-threshold=-5",
                      dict(dtype="int4", weight_num_threshold=-5)),
    "threshold_2p64": ("dtype=int4 weight-num-threshold=18446744073709551616",
                       dict(dtype="int4", weight_num_threshold=2 ** 64)),
    "fp4_block_16": ("dtype=fp4_e2m1fn granularity=per_block block-size=16",
                     dict(dtype="fp4_e2m1fn", granularity="per_block", block_size=16)),
    "fp4_per_channel": ("dtype=fp4_e2m1fn", dict(dtype="fp4_e2m1fn")),
    "fp4_with_scale_dtype": ("dtype=fp4_e2m1fn granularity=per_block scale-dtype=fp8_e8m0fnu",
                             dict(dtype="fp4_e2m1fn", granularity="per_block",
                                  scale_dtype="fp8_e8m0fnu")),
    "fp8_asymmetric": ("dtype=fp8_e4m3fn qscheme=asymmetric",
                       dict(dtype="fp8_e4m3fn", qscheme="asymmetric")),
    "fp8_bad_scale_dtype": ("dtype=fp8_e4m3fn scale-dtype=int8",
                            dict(dtype="fp8_e4m3fn", scale_dtype="int8")),
    "int_with_scale_dtype": ("dtype=int8 scale-dtype=fp8_e8m0fnu",
                             dict(dtype="int8", scale_dtype="fp8_e8m0fnu")),
    "unknown_option": ("dtype=int4 bogus=1", None),
}

HUGE_BLOCK = {
    "block_size_2p40": ("dtype=int4 granularity=per_block block-size=1099511627776",
                        dict(dtype="int4", granularity="per_block", block_size=2 ** 40)),
    "block_size_2p31": ("dtype=int4 granularity=per_block block-size=2147483648",
                        dict(dtype="int4", granularity="per_block", block_size=2 ** 31)),
}


@pytest.mark.parametrize("name", sorted(BAD_OPTIONS))
def test_bad_option_cli(tmp_path, name):
    opt = BAD_OPTIONS[name][0]
    cli_case(tmp_path, name, open(LINEAR, "rb").read(),
             args=["--verify-each", f"--quantize-weights={opt}"])
    cli_case(tmp_path, name + "_pipeline", open(LINEAR, "rb").read(),
             args=[f"--pass-pipeline=builtin.module(quantize-weights{{{opt}}})"])


@pytest.fixture(scope="module")
def linear_program():
    return AIProgram.load(LINEAR)


@pytest.mark.parametrize("name", sorted(k for k, v in BAD_OPTIONS.items() if v[1]))
def test_bad_option_python(linear_program, name):
    before = str(linear_program)
    kwargs = dict(BAD_OPTIONS[name][1])
    with pytest.raises(ValueError) as info:
        quantize_weights(linear_program, **kwargs)
    assert str(info.value).strip()
    with pytest.raises(ValueError):
        quantize_weights(linear_program, **kwargs, in_place=True)
    assert str(linear_program) == before


@pytest.mark.parametrize("name", sorted(HUGE_BLOCK))
def test_huge_block_size_is_an_option_error_cli(tmp_path, name):
    cli_case(tmp_path, name, open(LINEAR, "rb").read(),
             args=[f"--quantize-weights={HUGE_BLOCK[name][0]}"])


@pytest.mark.parametrize("name", sorted(HUGE_BLOCK))
def test_huge_block_size_is_an_option_error_python(linear_program, name):
    with pytest.raises(ValueError):
        quantize_weights(linear_program, **HUGE_BLOCK[name][1])


# --------------------------------------------------------------------------- hard weights

log_name = "coreai_opt.coreai_utils"


def quantize_text(text, caplog, **kw):
    kw.setdefault("dtype", DType.INT4)
    kw.setdefault("granularity", CompressionGranularity.PER_BLOCK)
    kw.setdefault("weight_num_threshold", 0)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=log_name):
        q = quantize_weights(AIProgram.parse(text), **kw)
    q.verify()
    out = str(q)
    assert_finite_scales(out)
    return out, [r.getMessage() for r in caplog.records if r.name.startswith(log_name)]


def rng_weight(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
def test_nan_inf_weight_skipped_with_warning(caplog, bad, where, dtype):
    w = rng_weight((64, 64), dtype)
    idx = {"first": (0, 0), "middle": (31, 17), "last": (63, 63)}[where]
    w[idx] = bad
    text = make_program(w, "bmm_y", loc="weird_weight")
    for dt in (DType.INT4, DType.INT8, DType.FP8_E4M3FN, DType.FP4_E2M1FN):
        out, warnings = quantize_text(text, caplog, dtype=dt)
        assert "blockwise_shift_scale" not in out, f"{dt}: a NaN/Inf weight was quantized"
        assert any("weird_weight" in m for m in warnings), warnings
        assert any(re.search(r"nan|inf|finite", m, re.I) for m in warnings), warnings
        # the weight is left bit-identical
        kept = [c for c in mb.parse_constants(out) if c.shape == (64, 64)]
        assert len(kept) == 1
        val = mb.constant_value(kept[0], mb.parse_resources(out))
        assert np.array_equal(val.view(np.uint8), np.asarray(w).view(np.uint8))


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
@pytest.mark.parametrize("qdtype", ["int8", "uint8", "int4", "int2", "fp8_e4m3fn",
                                    "fp8_e5m2", "fp4_e2m1fn"])
def test_all_zero_blocks(caplog, dtype, qdtype):
    w = rng_weight((32, 128), dtype)
    w[:, :32] = 0          # first block of every row zero
    w[5, :] = 0            # a whole zero row
    out, warnings = quantize_text(make_program(w), caplog, dtype=qdtype)
    qs = quantized_weights(out)
    assert len(qs) == 1, warnings
    deq = qs[0].dequantize()
    assert np.all(deq[:, :32] == 0) and np.all(deq[5] == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
@pytest.mark.parametrize("qdtype", ["int8", "int4", "fp8_e4m3fn", "fp4_e2m1fn"])
@pytest.mark.parametrize("magnitude", [0.0, 1e-30, 1e-8, 1e-7, 6e-8])
def test_tiny_blocks_scale_not_zero(caplog, dtype, qdtype, magnitude):
    w = (rng_weight((64, 16), np.float32) * magnitude).astype(dtype)
    out, warnings = quantize_text(make_program(w), caplog, dtype=qdtype)
    qs = quantized_weights(out)
    assert len(qs) == 1, warnings
    scale = np.asarray(qs[0].scale)
    st = scale.dtype
    if st == np.float16:
        assert np.all(scale.astype(np.float32) >= np.finfo(np.float16).smallest_normal)
    if st == np.dtype(ml_dtypes.bfloat16):
        assert np.all(scale.astype(np.float32) >= float(ml_dtypes.finfo(ml_dtypes.bfloat16)
                                                         .smallest_normal))
    assert np.all(np.isfinite(qs[0].dequantize()))


def test_subnormal_f32_weights(caplog):
    w = (rng_weight((32, 64)) * 1e-40).astype(np.float32)
    assert np.any((w != 0) & (np.abs(w) < np.finfo(np.float32).smallest_normal))
    for qdtype in ("int8", "int4", "fp8_e4m3fn"):
        out, warnings = quantize_text(make_program(w), caplog, dtype=qdtype)
        assert len(quantized_weights(out)) == 1


@pytest.mark.parametrize("big", [1.7e38, 2e38, 3.4e38, np.finfo(np.float32).max])
def test_huge_magnitude_skipped(caplog, big):
    w = rng_weight((32, 64))
    w[3, 7] = big
    w[4, 8] = -big
    out, warnings = quantize_text(make_program(w, loc="big_weight"), caplog,
                                  dtype=DType.INT8, granularity=CompressionGranularity.PER_TENSOR)
    if "blockwise_shift_scale" in out:
        # quantized: only acceptable if exact enough and finite (2*amax did not overflow)
        deq = quantized_weights(out)[0].dequantize()
        assert np.all(np.isfinite(deq))
    else:
        assert any("big_weight" in m for m in warnings), warnings


def test_huge_magnitude_f32_max_per_block_skipped(caplog):
    w = rng_weight((32, 64))
    w[0, 0] = np.finfo(np.float32).max
    out, warnings = quantize_text(make_program(w, loc="big_weight"), caplog, dtype=DType.INT4)
    assert "blockwise_shift_scale" not in out
    assert any("big_weight" in m for m in warnings)


@pytest.mark.parametrize("shape", [(0, 64), (64, 0), (0, 0)])
def test_zero_size_dims(caplog, shape, tmp_path):
    w = np.zeros(shape, np.float32)
    text = make_program(w, "bmm_y")
    for gran in ("per_tensor", "per_channel", "per_block"):
        try:
            AIProgram.parse(text)
        except Exception as e:   # a diagnostic is acceptable, a crash is not
            assert "CoreAIError" in [c.__name__ for c in type(e).__mro__]
            return
        out, warnings = quantize_text(text, caplog, granularity=gran)
        for q in quantized_weights(out):
            assert q.data.size == 0
    cli_case(tmp_path, "zero_size", text.encode(), expect_error=False)


@pytest.mark.parametrize("gran", ["per_tensor", "per_channel", "per_block"])
def test_rank1_weight_per_tensor(caplog, gran):
    w = rng_weight((2048,))
    out, warnings = quantize_text(make_program(w, "gather_nd"), caplog, dtype=DType.INT8,
                                  granularity=gran)
    qs = quantized_weights(out)
    if gran == "per_block" and not qs:
        assert warnings   # a skip must be reported
        return
    assert len(qs) == 1, warnings
    assert qs[0].scale.shape == (1,), "rank-1 weights are quantized per tensor"


@pytest.mark.parametrize("gran", ["per_tensor", "per_channel", "per_block"])
def test_rank5_weight(caplog, gran):
    w = rng_weight((2, 2, 2, 32, 64))
    out, warnings = quantize_text(make_program(w, "bmm_y"), caplog, dtype=DType.INT4,
                                  granularity=gran)
    qs = quantized_weights(out)
    assert len(qs) == 1, warnings
    assert qs[0].data.shape == w.shape and qs[0].scale.ndim == 5
    err = np.abs(qs[0].dequantize() - w).max()
    assert err <= np.abs(w).max() / 7 + 1e-6


def test_shared_constant_users_disagree(caplog, tmp_path):
    w = rng_weight((64, 64))
    text = make_program(w, ("bmm_x", "bmm_y"), loc="shared_w")
    out, warnings = quantize_text(text, caplog, dtype=DType.INT8,
                                  granularity=CompressionGranularity.PER_CHANNEL)
    assert any("shared_w" in m for m in warnings), warnings
    qs = quantized_weights(out)
    assert len(qs) == 1 and qs[0].scale.shape == (64, 1)   # fallback: output 0, input 1
    proc = cli_case(tmp_path, "shared", text.encode(), expect_error=False,
                    args=["--quantize-weights=dtype=int8 weight-num-threshold=0"])
    assert "warning" in proc.stderr.decode()


def test_shared_constant_matmul_and_relu_not_quantized(caplog):
    w = rng_weight((64, 64))
    out, warnings = quantize_text(make_program(w, ("bmm_y", "relu")), caplog, dtype=DType.INT8)
    assert "blockwise_shift_scale" not in out


def test_nan_weight_through_cli_warns_and_keeps_weight(tmp_path):
    w = rng_weight((64, 64))
    w[1, 1] = np.nan
    text = make_program(w, "bmm_y", loc="nan_w")
    proc = cli_case(tmp_path, "nan", text.encode(), expect_error=False,
                    args=["--verify-each", "--quantize-weights=dtype=int4 granularity=per_block "
                          "weight-num-threshold=0"])
    assert proc.returncode == 0
    assert "nan_w" in proc.stderr.decode() and "warning" in proc.stderr.decode()
    out = (tmp_path / "cli_nan" / "out.mlir").read_text()
    assert "blockwise_shift_scale" not in out


def test_every_fixture_every_dtype_finite(caplog):
    """Quantizing every real fixture with every dtype gives finite positive scales."""
    for fx in ("linear.mlir", "cnn.mlir", "emb.mlir", "batch_matmul.mlir"):
        text = open(os.path.join(FIXTURES_DIR, fx)).read()
        for dt, gran in (("int8", "per_channel"), ("uint4", "per_block"), ("int2", "per_tensor"),
                         ("fp8_e5m2", "per_block"), ("fp4_e2m1fn", "per_block")):
            quantize_text(text, caplog, dtype=dt, granularity=gran)

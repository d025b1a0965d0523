"""The fast blob hex path of text programs (coreai/TextIO/ProgramText.h).

``AIProgram.parse/load`` decode the ``dense_resource`` blobs of the resource section in C++
and let MLIR parse the rest; ``str()/to_text()/save()`` and ``coreai-opt`` print with the
blobs held out and splice our hex in. The reference everywhere is MLIR's own parser and
printer: the upstream bindings (``ir.Module.parse``, ``get_asm``, ``print``) or
``coreai-opt`` with ``COREAI_TEXT_BLOBS=mlir``. Checked here:

* output byte-identical to MLIR's on every real program (test/fixtures/coreai-real,
  test/interop/models), custom and generic form, with and without locations, quantized
  or not, and read back the same (round trips); the fast path is really taken;
* blobs of odd sizes (0-65 bytes, several MB + odd), every alignment, either hex case;
* text the fast path must leave to MLIR (bad or odd-length hex, escapes, duplicate or
  renamed keys, other resources, trailing text, ...) gives exactly MLIR's result or error;
* errors of every malformed input of test_robustness word for word as MLIR's, from
  Python and from coreai-opt;
* the same output with and without threads; blobs back in place after a failed write.
"""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest
from mlir import ir

from conftest import FIXTURES_DIR, PROJECT_ROOT
from test_robustness import (BAD_INPUTS, GOOD_ODD_INPUTS, QUANT_ARGS, coreai_opt_path,
                             small_program)

import coreai_opt._coreai as native
from coreai_opt import AIProgram
from coreai_opt.coreai_utils import CompressionGranularity, DType, quantize_weights
from coreai_opt.program import ParseError, make_context

INTEROP_DIR = os.path.join(PROJECT_ROOT, "test", "interop", "models")
PROGRAMS = sorted([os.path.join(FIXTURES_DIR, f) for f in os.listdir(FIXTURES_DIR)
                   if f.endswith(".mlir")] +
                  [os.path.join(INTEROP_DIR, f) for f in os.listdir(INTEROP_DIR)
                   if f.endswith(".mlir")])
WITH_BLOBS = [p for p in PROGRAMS if b"{-#" in open(p, "rb").read()]


def program_id(path):
    return os.path.relpath(path, PROJECT_ROOT)


@pytest.fixture
def mlir_text_path(monkeypatch):
    """Turns the fast path off (MLIR's parser and printer do the hex) while called."""
    def use_mlir(enabled=True):
        if enabled:
            monkeypatch.setenv("COREAI_TEXT_BLOBS", "mlir")
        else:
            monkeypatch.delenv("COREAI_TEXT_BLOBS", raising=False)
    return use_mlir


def reference_text(source, generic, debug_info, *, is_file=True):
    """MLIR's own parse and print, through the upstream bindings alone."""
    context = make_context()
    module = (ir.Module.parseFile(source, context=context) if is_file
              else ir.Module.parse(source, context=context))
    return module.operation.get_asm(print_generic_op_form=generic, enable_debug_info=debug_info,
                                    assume_verified=True)


def fast_path_taken(text: bytes) -> bool:
    """True if the native parser decodes the blobs of `text` itself."""
    return native.parse_text(text, make_context())[2] is not None


def raw(array) -> bytes:
    return np.ascontiguousarray(array).tobytes()


def outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the outcome is compared, whatever it is
        return (type(e).__name__, str(e))


# --------------------------------------------------------------------------- real programs

@pytest.mark.parametrize("path", PROGRAMS, ids=program_id)
def test_prints_like_mlir_in_every_form(path):
    data = open(path, "rb").read()
    assert fast_path_taken(data) == (path in WITH_BLOBS)
    loaded, parsed = AIProgram.load(path), AIProgram.parse(data)
    for generic in (False, True):
        for debug_info in (False, True):
            expected = reference_text(path, generic, debug_info)
            assert loaded.to_text(generic=generic, debug_info=debug_info) == expected
            assert parsed.to_text(generic=generic, debug_info=debug_info) == reference_text(
                data, generic, debug_info, is_file=False)


@pytest.mark.parametrize("path", PROGRAMS, ids=program_id)
def test_save_writes_what_mlir_writes(tmp_path, path):
    program = AIProgram.load(path)
    program.save(tmp_path / "fast.mlir")
    with open(tmp_path / "mlir.mlir", "wb") as f:
        program.module.operation.print(file=f, binary=True, print_generic_op_form=program.generic,
                                       enable_debug_info=program.debug_info, assume_verified=True)
    assert (tmp_path / "fast.mlir").read_bytes() == (tmp_path / "mlir.mlir").read_bytes()
    # and reads back to the same program
    assert str(AIProgram.load(tmp_path / "fast.mlir")) == str(program)


QUANTIZATIONS = {
    "int8": dict(dtype=DType.INT8),
    "int4_block32": dict(dtype=DType.INT4, granularity=CompressionGranularity.PER_BLOCK),
    "fp4": dict(dtype=DType.FP4_E2M1FN, granularity=CompressionGranularity.PER_BLOCK),
}


@pytest.mark.parametrize("how", sorted(QUANTIZATIONS))
@pytest.mark.parametrize("path", WITH_BLOBS, ids=program_id)
def test_quantized_program_prints_like_mlir_and_reads_back(how, path):
    q = quantize_weights(AIProgram.load(path), weight_num_threshold=0, **QUANTIZATIONS[how])
    for generic in (False, True):
        expected = q.module.operation.get_asm(print_generic_op_form=generic,
                                              enable_debug_info=q.debug_info, assume_verified=True)
        text = q.to_text(generic=generic)
        assert text == expected
        assert fast_path_taken(text.encode())
        back = AIProgram.parse(text)
        assert back.to_text(generic=generic) == text
        for a, b in zip(q.constants(), back.constants()):
            assert raw(a.numpy()) == raw(b.numpy())


def test_forced_mlir_path_gives_the_same_programs(mlir_text_path):
    fast = {p: str(AIProgram.load(p)) for p in WITH_BLOBS}
    mlir_text_path()
    assert not native.fast_text_enabled()
    assert not fast_path_taken(open(WITH_BLOBS[0], "rb").read())
    assert {p: str(AIProgram.load(p)) for p in WITH_BLOBS} == fast


# --------------------------------------------------------------------------- blob shapes

def blob_text(blobs, *, lower=False, uses=None, attrs=""):
    """A program of one unregistered op whose attributes u0, u1, ... use blobs (key,
    alignment, data) as i8 tensors (those of `uses`, a list of keys, if given)."""
    sizes = {k: len(d) for k, _, d in blobs}
    keys = [k for k, _, _ in blobs] if uses is None else uses
    dictionary = ", ".join([f"u{i} = dense_resource<{k}> : tensor<{sizes[k]}xi8>"
                            for i, k in enumerate(keys)] + ([attrs] if attrs else []))
    digits = [alignment.to_bytes(4, "little").hex() + d.hex() for _, alignment, d in blobs]
    entries = ",\n".join(f'      {k}: "0x{h if lower else h.upper()}"'
                         for (k, _, _), h in zip(blobs, digits))
    return (f'module {{\n  "test.uses"() {{{dictionary}}} : () -> ()\n}}\n\n'
            f"{{-#\n  dialect_resources: {{\n    builtin: {{\n{entries}\n    }}\n  }}\n#-}}\n")


def random_bytes(n, seed):
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


def blob_values(program):
    """{key: bytes} of the dense_resource attributes of the program's first op."""
    op = program.module.body.operations[0]
    values = {}
    for name in op.attributes:
        attr = op.attributes[name]
        if not str(attr).startswith("dense_resource<"):
            continue
        kind, data, _ = native.elements_data(attr)
        values[str(attr).split("<", 1)[1].split(">", 1)[0]] = data
    return values


SIZES = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 3 * 2 ** 20 + 7]
ALIGNMENTS = [1, 2, 4, 8, 16, 32, 64, 128, 4096]


@pytest.mark.parametrize("lower", [False, True])
def test_odd_sizes_and_alignments(lower):
    blobs = [(f"b{n}_{a}", a, random_bytes(n, n * 31 + a)) for n in SIZES for a in ALIGNMENTS[:3]]
    blobs += [(f"a{a}", a, random_bytes(33, a)) for a in ALIGNMENTS]
    text = blob_text(blobs, lower=lower)
    assert fast_path_taken(text.encode())
    program = AIProgram.parse(text)
    assert blob_values(program) == {k: d for k, _, d in blobs}
    printed = str(program)
    assert printed == reference_text(text, False, False, is_file=False)
    for key, alignment, data in blobs:  # upper case; an empty blob has alignment 0
        digits = alignment.to_bytes(4, "little").hex() + data.hex() if data else "00000000"
        assert f'      {key}: "0x{digits.upper()}"' in printed


def test_every_byte_value_both_cases():
    data = bytes(range(256)) * 3 + b"\x00\xff"
    for lower in (False, True):
        program = AIProgram.parse(blob_text([("all", 16, data)], lower=lower))
        assert blob_values(program)["all"] == data
        assert f'all: "0x10000000{data.hex().upper()}"' in str(program)


def test_multi_megabyte_blobs_with_and_without_threads():
    blobs = [(f"w{i}", 16, random_bytes((5 << 20) + 2 * i + 1, i)) for i in range(3)]
    text = blob_text(blobs)
    threaded = AIProgram.parse(text)
    context = make_context()
    context.enable_multithreading(False)
    single = AIProgram.parse(text, context=context)
    assert blob_values(threaded) == blob_values(single) == {k: d for k, _, d in blobs}
    assert str(threaded) == str(single) == reference_text(text, False, False, is_file=False)


# --------------------------------------------------------------------------- left to MLIR

SMALL_BLOBS = [("a", 16, b"\x01\x02\x03\x04"), ("b", 4, b"\xAB\xCD")]
SMALL = blob_text(SMALL_BLOBS)
SECTION_END = "    }\n  }\n#-}\n"

LEFT_TO_MLIR = {
    "odd_digits": SMALL.replace("ABCD", "ABCDE"),
    "bad_digit": SMALL.replace("ABCD", "ABCG"),
    "short_header": SMALL.replace('"0x04000000ABCD"', '"0x0400"'),
    "no_0x": SMALL.replace('"0x04000000ABCD"', '"04000000ABCD"'),
    "duplicate_key": SMALL.replace("      b:", "      a:"),
    "quoted_key": SMALL.replace("      b:", '      "b":').replace("<b>", '<"b">'),
    # A key MLIR quotes: printing is left to MLIR too.
    "dashed_key": SMALL.replace("      b:", '      "b-1":').replace("<b>", '<"b-1">'),
    "integer_type_key": blob_text([("a", 16, b"\x01"), ("i32", 4, b"\x02")]),
    "trailing_comma": SMALL.replace('ABCD"\n', 'ABCD",\n'),
    "comment_in_section": SMALL.replace("    builtin: {", "    builtin: { // blobs"),
    "text_after_section": SMALL + '"test.after"() : () -> ()\n',
    "two_sections": SMALL + "{-#\n#-}\n",
    "other_dialect": SMALL.replace(SECTION_END, "    },\n    test: {\n      x: true\n" + SECTION_END),
    "external_resources": SMALL.replace("  }\n#-}", "  },\n  external_resources: {\n"
                                        "    mlir_reproducer: {\n      p: \"x\"\n    }\n  }\n#-}"),
    "no_section": SMALL.split("{-#")[0],
    "bytecode": None,
}


def bytecode_of(text):
    import io
    buffer = io.BytesIO()
    AIProgram.parse(text).module.operation.write_bytecode(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(LEFT_TO_MLIR))
def test_unusual_text_is_left_to_mlir(name, mlir_text_path):
    data = bytecode_of(SMALL) if name == "bytecode" else LEFT_TO_MLIR[name].encode()
    assert not fast_path_taken(data)
    fast = outcome(lambda: str(AIProgram.parse(data)))
    mlir_text_path()
    assert outcome(lambda: str(AIProgram.parse(data))) == fast


def test_renamed_keys_are_left_to_mlir(mlir_text_path):
    """A second program with the same keys in one context: MLIR renames its keys."""
    def twice():
        context = make_context()
        first = AIProgram.parse(SMALL, context=context)
        fast_second = native.parse_text(SMALL.encode(), context)[2]
        second = AIProgram.parse(SMALL, context=context)
        return fast_second, str(first), str(second)

    fast_second, first, second = twice()
    assert fast_second is None
    assert "dense_resource<a_1>" in second and "a_1: " in second
    mlir_text_path()
    assert twice()[1:] == (first, second)


def test_unused_blobs_are_kept_as_mlir_keeps_them(mlir_text_path):
    """A blob no op uses is declared in the context all the same: a later use of its key
    gets another name."""
    text = blob_text(SMALL_BLOBS, uses=["a"])

    def run():
        context = make_context()
        program = AIProgram.parse(text, context=context)
        other = AIProgram.parse(blob_text([("b", 4, b"\x01\x02")]), context=context)
        return str(program), str(other)

    fast = run()
    assert fast_path_taken(text.encode())
    assert "b_1" in fast[1]
    mlir_text_path()
    assert run() == fast


def test_several_top_level_ops(mlir_text_path):
    text = SMALL.replace("module {\n", "module {\n}\nmodule {\n", 1)
    assert fast_path_taken(text.encode())
    fast = str(AIProgram.parse(text))
    mlir_text_path()
    assert str(AIProgram.parse(text)) == fast


def test_non_ascii_text_prints_like_mlir():
    text = blob_text(SMALL_BLOBS, attrs='note = "poids \u00e9t\u00e9"')
    program = AIProgram.parse(text)
    assert str(program) == reference_text(text, False, False, is_file=False)
    assert "poids \\C3\\A9t\\C3\\A9" in str(program)  # MLIR escapes it


# --------------------------------------------------------------------------- errors

CASES = sorted(BAD_INPUTS) + sorted(GOOD_ODD_INPUTS)


def case_data(name):
    return BAD_INPUTS[name][0] if name in BAD_INPUTS else GOOD_ODD_INPUTS[name]


def test_bad_inputs_include_fast_path_cases():
    """The errors below are those of the fast path, not only of its fallbacks."""
    taken = [n for n in BAD_INPUTS if fast_path_taken(BAD_INPUTS[n][0])]
    assert {"blob_short_f32", "blob_long_si4", "matmul_shape_mismatch"} <= set(taken)


@pytest.mark.parametrize("name", CASES)
def test_python_errors_word_for_word(tmp_path, name, mlir_text_path):
    data = case_data(name)
    path = tmp_path / "in.mlir"
    path.write_bytes(data)

    def results():
        return (outcome(lambda: str(AIProgram.parse(data))),
                outcome(lambda: str(AIProgram.load(path))))

    fast = results()
    mlir_text_path()
    assert results() == fast


def run_cli(args, data: bytes, tmp_path, mlir: bool):
    src = tmp_path / "in.mlir"
    src.write_bytes(data)
    env = dict(os.environ)
    env.pop("COREAI_TEXT_BLOBS", None)
    if mlir:
        env["COREAI_TEXT_BLOBS"] = "mlir"
    proc = subprocess.run([coreai_opt_path(), *args, str(src)], capture_output=True, env=env,
                          timeout=120)
    return proc.returncode, proc.stdout, proc.stderr.replace(str(src).encode(), b"IN")


@pytest.mark.parametrize("name", CASES)
def test_cli_errors_word_for_word(tmp_path, name):
    for args in ([], QUANT_ARGS):
        fast = run_cli(args, case_data(name), tmp_path, mlir=False)
        assert fast == run_cli(args, case_data(name), tmp_path, mlir=True), (args, fast[2][-2000:])


def test_diagnostic_lines_unchanged(tmp_path, mlir_text_path):
    """Errors in the ops (from the parser and from the verifier, which runs once the blobs
    are in place) name the same lines whatever the blobs after them."""
    bad_size = small_program("f32", nbytes=(1 << 20) + 4)
    unknown_op = small_program("f32").replace("    coreai.output", "    coreai.frobnicate\n"
                                             "    coreai.output")
    for text, line, needle in ((bad_size, 3, "1048580 bytes"), (unknown_op, 5, "frobnicate")):
        assert fast_path_taken(text.encode())
        with pytest.raises(ParseError) as fast:
            AIProgram.parse(text)
        assert f":{line}:" in str(fast.value) and needle in str(fast.value)
        cli = run_cli([], text.encode(), tmp_path, mlir=False)
        assert cli[0] == 1 and f":{line}:".encode() in cli[2]
        assert cli == run_cli([], text.encode(), tmp_path, mlir=True)
        mlir_text_path()
        with pytest.raises(ParseError) as mlir:
            AIProgram.parse(text)
        assert str(mlir.value) == str(fast.value)
        mlir_text_path(False)


# --------------------------------------------------------------------------- coreai-opt

CLI_ARGS = {
    "custom": ["--verify-each"],
    "generic": ["--mlir-print-op-generic"],
    "debuginfo": ["--mlir-print-debuginfo"],
    "int8": ["--quantize-weights=dtype=int8"],
    "int4": ["--quantize-weights=dtype=int4 granularity=per_block"],
    "fp8_unverified": ["--verify-each=false",
                       "--pass-pipeline=builtin.module(quantize-weights{dtype=fp8_e4m3fn "
                       "granularity=per_block scale-dtype=fp8_e8m0fnu},canonicalize)"],
    "threads_off": ["--mlir-disable-threading", "--quantize-weights=dtype=int8"],
}


@pytest.mark.parametrize("args", sorted(CLI_ARGS))
@pytest.mark.parametrize("path", PROGRAMS, ids=program_id)
def test_cli_writes_what_mlir_writes(tmp_path, path, args):
    data = open(path, "rb").read()
    fast = run_cli(CLI_ARGS[args], data, tmp_path, mlir=False)
    assert fast[0] == 0, fast[2].decode()
    assert fast == run_cli(CLI_ARGS[args], data, tmp_path, mlir=True)


@pytest.mark.parametrize("path", WITH_BLOBS[:4], ids=program_id)
def test_cli_bytecode_in_text_out(tmp_path, path):
    bc = tmp_path / "in.mlirbc"
    AIProgram.load(path).save(bc)
    data = bc.read_bytes()
    fast = run_cli(["--quantize-weights=dtype=int8"], data, tmp_path, mlir=False)
    assert fast[0] == 0 and fast == run_cli(["--quantize-weights=dtype=int8"], data, tmp_path,
                                            mlir=True)


def test_cli_special_flags_keep_mlir_behaviour(tmp_path):
    """Flags under which MlirOptMain shows the program between its steps, or splits it,
    leave the text to MLIR: their outputs are those of the forced MLIR path."""
    data = open(WITH_BLOBS[0], "rb").read()
    for args in (["--split-input-file"], ["--mlir-print-ir-after-all", "--canonicalize"],
                 ["--mlir-elide-resource-strings-if-larger=8"], ["--emit-bytecode"],
                 ["--dump-pass-pipeline", "--canonicalize"]):
        assert run_cli(args, data, tmp_path, mlir=False) == run_cli(args, data, tmp_path,
                                                                     mlir=True), args


# --------------------------------------------------------------------------- restoring

def test_blobs_back_after_a_failed_write():
    program = AIProgram.load(WITH_BLOBS[0])
    before = str(program)
    values = [c.numpy().copy() for c in program.constants()]

    def disk_full(piece):
        raise OSError(28, "No space left on device (simulated)")

    def interrupted(piece):
        raise KeyboardInterrupt

    with pytest.raises(OSError):
        native.write_text(program.module, disk_full, False, False)
    with pytest.raises(KeyboardInterrupt):
        native.write_text(program.module, interrupted, False, False)
    assert str(program) == before
    for value, constant in zip(values, program.constants()):
        assert raw(value) == raw(constant.numpy())
    program.verify()


def test_printing_does_not_disturb_other_programs_of_the_context():
    context = make_context()
    a = AIProgram.load(WITH_BLOBS[0], context=context)
    b = AIProgram.parse(SMALL, context=context)
    text_a, text_b = str(a), str(b)
    assert str(b) == text_b and str(a) == text_a
    assert blob_values(b) == {"a": b"\x01\x02\x03\x04", "b": b"\xAB\xCD"}


# --------------------------------------------------------------------------- input scans

def reference_checks(text: bytes):
    """(problem, has locations) of the input checks (coreai/Support/InputChecks.h),
    transcribed plainly: one search per character where the C++ fuses them."""
    def skip_string(i):  # closing quote of the string opening at i, or None
        i += 1
        while True:
            quote = text.find(b'"', i)
            if quote < 0:
                return None
            j = i
            while j < quote:
                j += 2 if text[j:j + 1] == b"\\" else 1
            if j == quote:
                return quote
            i = quote + 1

    def code_chars():
        i = 0
        while i < len(text):
            if text[i:i + 1] == b'"':
                i = skip_string(i)
                if i is None:
                    return
            elif text[i:i + 2] == b"//":
                i = text.find(b"\n", i)
                if i < 0:
                    return
            else:
                yield i
            i += 1

    line = lambda pos: text.count(b"\n", 0, pos) + 1  # noqa: E731
    depth, locations = 0, False
    for i in code_chars():
        c = text[i:i + 1]
        if c in b"([{<":
            depth += 1
            if depth > 256:
                return f"brackets nested deeper than 256 levels at line {line(i)}", None
        elif c in b")]}" or (c == b">" and not (i > 0 and text[i - 1:i] == b"-")):
            depth = max(0, depth - 1)
        elif text[i:i + 4] == b"loc(" and (i == 0 or not (chr(text[i - 1]).isalnum()
                                                          or chr(text[i - 1]) in "_$.")):
            locations = True
    section = text.find(b"{-#")
    while section >= 0:
        end = text.find(b"#-}", section)
        end = len(text) if end < 0 else end
        pos = text.find(b'"', section)
        while 0 <= pos < end:
            where = f"line {line(pos)}"
            close = text.find(b'"', pos + 1)
            if close < 0 or b"\n" in text[pos:close]:
                return f"unterminated string in the resource section at {where}", locations
            if b"\\" in text[pos:close]:
                return f"escape sequence in a string of the resource section at {where}", locations
            if text[pos:pos + 3] == b'"0x':
                digits = text[pos + 3:close]
                if len(digits) % 2:
                    return f"resource blob at {where} has an odd number of hex digits", locations
                if len(digits) < 8:
                    return (f"resource blob at {where} is too short to hold its 4-byte "
                            "alignment header"), locations
                try:
                    alignment = int.from_bytes(bytes.fromhex(digits[:8].decode("latin-1")),
                                               "little")
                except ValueError:
                    return f"resource blob at {where} is not a hex string", locations
                if alignment == 0 or alignment & (alignment - 1):
                    return (f"resource blob at {where} has alignment {alignment}, which is "
                            "not a power of two"), locations
            pos = text.find(b'"', close + 1)
        section = text.find(b"{-#", end)
    return None, locations


PIECES = [b'"', b"\\", b"\n", b"#-}", b"{-#", b"#", b"-", b"}", b"{", b"(", b")", b"<", b">",
          b"->", b"0x", b'"0x', b"10000000", b"03000000", b"AB", b"G", b" ", b"x", b"loc(",
          b"aloc(", b"//", b"0" * 70, b'\\"']


def test_input_checks_match_a_plain_transcription(tmp_path):
    rng = np.random.default_rng(11)
    texts = [case_data(name) for name in CASES]
    for _ in range(3000):
        texts.append(b"".join(PIECES[i] for i in rng.integers(0, len(PIECES),
                                                              rng.integers(0, 60))))
    path = tmp_path / "in.mlir"
    for text in texts:
        if text.startswith(b"ML\xefR"):
            continue
        problem, locations = reference_checks(text)
        assert native.check_input_text(text) == problem, text
        path.write_bytes(text)
        got_problem, got_locations = native.check_input_file(str(path))
        assert got_problem == problem, text
        if problem is None:
            assert got_locations == locations == native.has_explicit_locations(text), text

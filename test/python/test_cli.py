"""coreai-opt as a command: round trips of the real programs and file safety.

Output goes to a temporary file renamed into place only on success: a failure never
truncates, deletes or creates the output, leaves no temporary file, exits 1 with a message
on stderr; ``-o`` may name the input. ``AIProgram.save`` is atomic the same way.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat

import pytest

from conftest import FIXTURES_DIR, read_fixture
from test_robustness import BAD_INPUTS, assert_no_crash, bss, run_cli, small_program

from coreai_opt import AIProgram
import coreai_opt.program as program_module

FIXTURES = sorted(f for f in os.listdir(FIXTURES_DIR) if f.endswith(".mlir"))
CUSTOM = [f for f in FIXTURES if ".generic." not in f]
GENERIC = [f for f in FIXTURES if ".generic." in f]
SENTINEL = b"an existing output file that must survive\n"


def same_text(a, b) -> bool:
    a = a.decode() if isinstance(a, bytes) else a
    b = b.decode() if isinstance(b, bytes) else b
    return a.rstrip("\n") == b.rstrip("\n")


def roundtrip(tmp_path, name, args):
    src = os.path.join(FIXTURES_DIR, name)
    out = tmp_path / ("out_" + name)
    proc = run_cli(["--verify-each", *args, src, "-o", str(out)])
    assert_no_crash(proc, name)
    assert proc.returncode == 0, proc.stderr.decode()
    return out.read_bytes()


@pytest.mark.parametrize("name", CUSTOM)
def test_roundtrip_custom(tmp_path, name):
    assert same_text(roundtrip(tmp_path, name, []), read_fixture(name))


@pytest.mark.parametrize("name", GENERIC)
def test_roundtrip_generic(tmp_path, name):
    assert same_text(roundtrip(tmp_path, name, ["--mlir-print-op-generic"]), read_fixture(name))


@pytest.mark.parametrize("name", GENERIC)
def test_custom_to_generic_matches_fixture(tmp_path, name):
    custom = name.replace(".generic", "")
    assert same_text(roundtrip(tmp_path, custom, ["--mlir-print-op-generic"]),
                     read_fixture(name))


@pytest.mark.parametrize("name", GENERIC)
def test_generic_to_custom_matches_fixture(tmp_path, name):
    assert same_text(roundtrip(tmp_path, name, []), read_fixture(name.replace(".generic", "")))


def test_stdout_when_no_output(tmp_path):
    proc = run_cli([os.path.join(FIXTURES_DIR, "linear.mlir")])
    assert proc.returncode == 0
    assert same_text(proc.stdout, read_fixture("linear.mlir"))


# --------------------------------------------------------------------------- -o == input

@pytest.mark.parametrize("args", [[], ["--quantize-weights=dtype=int4 granularity=per_block"],
                                  ["--mlir-print-op-generic"]])
def test_output_equal_to_input(tmp_path, args):
    f = tmp_path / "model.mlir"
    shutil.copy(os.path.join(FIXTURES_DIR, "linear.mlir"), f)
    expected = run_cli([*args, os.path.join(FIXTURES_DIR, "linear.mlir")])
    assert expected.returncode == 0
    proc = run_cli([*args, str(f), "-o", str(f)])
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    assert f.read_bytes() == expected.stdout
    assert os.listdir(tmp_path) == ["model.mlir"]
    if args and "quantize" in args[0]:
        assert "blockwise_shift_scale" in f.read_text()


def test_output_equal_to_input_failure_keeps_input(tmp_path):
    f = tmp_path / "model.mlir"
    shutil.copy(os.path.join(FIXTURES_DIR, "linear.mlir"), f)
    before = f.read_bytes()
    proc = run_cli(["--quantize-weights=dtype=int5", str(f), "-o", str(f)])
    assert proc.returncode == 1 and b"int5" in proc.stderr
    assert f.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.mlir"]


def test_output_keeps_mode_of_existing_file(tmp_path):
    out = tmp_path / "out.mlir"
    out.write_bytes(SENTINEL)
    os.chmod(out, 0o640)
    proc = run_cli([os.path.join(FIXTURES_DIR, "linear.mlir"), "-o", str(out)])
    assert proc.returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


# --------------------------------------------------------------------------- failures

SPLIT_ONE_BAD = (small_program() + "\n// -----\n" + "module {\n  coreai.frobnicate\n}\n"
                 + "\n// -----\n" + "module {\n}\n")

FAILURES = {
    "bad_input": (b"module {\n  coreai.frobnicate\n}\n", ["--verify-each"], "frobnicate"),
    "bad_pass_option": (read_fixture("linear.mlir").encode(),
                        ["--quantize-weights=dtype=int4 block-size=abc"], "block-size"),
    "unknown_pass_option": (read_fixture("linear.mlir").encode(),
                            ["--pass-pipeline=builtin.module(quantize-weights{dtype=int4 x=1})"],
                            "x"),
    "bad_pipeline_syntax": (read_fixture("linear.mlir").encode(),
                            ["--pass-pipeline=builtin.module(quantize-weights{"], "error"),
    "unknown_pass": (read_fixture("linear.mlir").encode(),
                     ["--pass-pipeline=builtin.module(no-such-pass)"], "no-such-pass"),
    "bad_dtype": (read_fixture("linear.mlir").encode(), ["--quantize-weights=dtype=int5"],
                  "int5"),
    "verifier_error": (bss(res="8x16xf32").encode(), ["--verify-each"], "result shape"),
    "short_blob": (small_program("f32", 100).encode(), [], "100 bytes"),
    "split_input_one_bad_chunk": (SPLIT_ONE_BAD.encode(), ["--split-input-file"], "frobnicate"),
    "split_input_one_bad_chunk_quantize": (
        SPLIT_ONE_BAD.encode(), ["--split-input-file", "--quantize-weights=dtype=int8"],
        "frobnicate"),
    "alignment_zero": (small_program(align="00000000").encode(), [], "alignment"),
    "nested": (BAD_INPUTS["nested_brackets_10000"][0], [], "nested"),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
@pytest.mark.parametrize("existing", [True, False])
def test_failure_leaves_output_alone(tmp_path, name, existing):
    data, args, needle = FAILURES[name]
    src = tmp_path / "in.mlir"
    src.write_bytes(data)
    out = tmp_path / "out.mlir"
    if existing:
        out.write_bytes(SENTINEL)
    before = sorted(os.listdir(tmp_path))
    proc = run_cli([*args, str(src), "-o", str(out)])
    assert_no_crash(proc, name)
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode == 1, err
    assert "error" in err.lower() and needle in err, err
    if existing:
        assert out.read_bytes() == SENTINEL
    else:
        assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == before


def test_split_input_all_good(tmp_path):
    src = tmp_path / "in.mlir"
    src.write_text(small_program() + "\n// -----\n" + "module {\n}\n")
    out = tmp_path / "out.mlir"
    proc = run_cli(["--split-input-file", str(src), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.read_text().count("module") == 2


def test_missing_input_file(tmp_path):
    out = tmp_path / "out.mlir"
    out.write_bytes(SENTINEL)
    proc = run_cli([str(tmp_path / "nope.mlir"), "-o", str(out)])
    assert proc.returncode == 1 and b"nope.mlir" in proc.stderr
    assert out.read_bytes() == SENTINEL


def test_input_is_a_directory(tmp_path):
    proc = run_cli([str(tmp_path), "-o", str(tmp_path / "out.mlir")])
    assert_no_crash(proc)
    assert proc.returncode == 1 and proc.stderr.strip()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("where", ["missing_dir", "parent_is_file", "readonly_dir"])
def test_unwritable_output(tmp_path, where):
    if where == "missing_dir":
        out = tmp_path / "no" / "such" / "dir" / "out.mlir"
    elif where == "parent_is_file":
        (tmp_path / "afile").write_text("x")
        out = tmp_path / "afile" / "out.mlir"
    else:
        if os.geteuid() == 0:
            pytest.skip("root ignores directory permissions")
        d = tmp_path / "ro"
        d.mkdir()
        os.chmod(d, 0o555)
        out = d / "out.mlir"
    try:
        proc = run_cli([os.path.join(FIXTURES_DIR, "linear.mlir"), "-o", str(out)])
        assert_no_crash(proc)
        err = proc.stderr.decode()
        assert proc.returncode == 1 and "error" in err.lower(), err
        assert "out.mlir" in err or "directory" in err.lower(), err
        assert not out.exists() if where != "parent_is_file" else True
    finally:
        if where == "readonly_dir":
            os.chmod(tmp_path / "ro", 0o755)
    if where == "readonly_dir":
        assert os.listdir(tmp_path / "ro") == []


# --------------------------------------------------------------------------- bytecode

@pytest.mark.parametrize("name", ["linear.mlir", "cnn.mlir", "emb.mlir",
                                  "linear.int4_block32.mlir"])
def test_emit_bytecode_readable_back(tmp_path, name):
    src = os.path.join(FIXTURES_DIR, name)
    bc = tmp_path / "out.mlirbc"
    proc = run_cli(["--emit-bytecode", src, "-o", str(bc)])
    assert proc.returncode == 0, proc.stderr.decode()
    assert bc.read_bytes()[:4] == b"ML\xefR"
    back = run_cli([str(bc)])
    assert back.returncode == 0, back.stderr.decode()
    assert same_text(back.stdout, read_fixture(name))
    assert same_text(str(AIProgram.load(bc)), read_fixture(name))


def test_emit_bytecode_failure_keeps_output(tmp_path):
    bc = tmp_path / "out.mlirbc"
    bc.write_bytes(SENTINEL)
    src = tmp_path / "in.mlir"
    src.write_bytes(small_program("f32", 100).encode())
    proc = run_cli(["--emit-bytecode", str(src), "-o", str(bc)])
    assert proc.returncode == 1
    assert bc.read_bytes() == SENTINEL
    assert sorted(os.listdir(tmp_path)) == ["in.mlir", "out.mlirbc"]


def test_quantize_then_bytecode_then_text(tmp_path):
    bc = tmp_path / "q.mlirbc"
    proc = run_cli(["--quantize-weights=dtype=int4 granularity=per_block", "--emit-bytecode",
                    os.path.join(FIXTURES_DIR, "linear.mlir"), "-o", str(bc)])
    assert proc.returncode == 0, proc.stderr.decode()
    text = run_cli(["--verify-each", str(bc)])
    assert text.returncode == 0 and b"blockwise_shift_scale" in text.stdout


# --------------------------------------------------------------------------- AIProgram.save

class _FailingFile:
    """A file object that accepts ``limit`` bytes, then fails like a full disk."""

    def __init__(self, real, limit=100):
        self.real, self.limit, self.written = real, limit, 0

    def write(self, data):
        if self.written + len(data) > self.limit:
            self.real.write(bytes(data)[: self.limit - self.written])
            raise OSError(errno.ENOSPC, "No space left on device (simulated)")
        self.written += len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()
        return False


@pytest.mark.parametrize("suffix", [".mlir", ".mlirbc"])
@pytest.mark.parametrize("existing", [True, False])
def test_save_disk_full_is_atomic(tmp_path, monkeypatch, suffix, existing):
    program = AIProgram.load(os.path.join(FIXTURES_DIR, "linear.mlir"))
    target = tmp_path / ("model" + suffix)
    if existing:
        target.write_bytes(SENTINEL)
    real_fdopen = os.fdopen
    monkeypatch.setattr(program_module.os, "fdopen",
                        lambda *a, **k: _FailingFile(real_fdopen(*a, **k)))
    with pytest.raises(OSError):
        program.save(target)
    monkeypatch.undo()
    if existing:
        assert target.read_bytes() == SENTINEL
        assert os.listdir(tmp_path) == [target.name]
    else:
        assert os.listdir(tmp_path) == []


def test_save_rename_failure_is_atomic(tmp_path, monkeypatch):
    program = AIProgram.load(os.path.join(FIXTURES_DIR, "linear.mlir"))
    target = tmp_path / "model.mlir"
    target.write_bytes(SENTINEL)

    def boom(*a, **k):
        raise OSError(errno.EIO, "simulated rename failure")

    monkeypatch.setattr(program_module.os, "replace", boom)
    with pytest.raises(OSError):
        program.save(target)
    monkeypatch.undo()
    assert target.read_bytes() == SENTINEL
    assert os.listdir(tmp_path) == ["model.mlir"]


def test_save_into_missing_dir(tmp_path):
    program = AIProgram.parse(small_program())
    with pytest.raises(OSError):
        program.save(tmp_path / "missing" / "model.mlir")
    assert os.listdir(tmp_path) == []


def test_save_into_readonly_dir(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    d = tmp_path / "ro"
    d.mkdir()
    (d / "model.mlir").write_bytes(SENTINEL)
    os.chmod(d, 0o555)
    try:
        with pytest.raises(OSError):
            AIProgram.parse(small_program()).save(d / "model.mlir")
        assert (d / "model.mlir").read_bytes() == SENTINEL
        assert os.listdir(d) == ["model.mlir"]
    finally:
        os.chmod(d, 0o755)


def test_save_over_input_and_keyboard_interrupt(tmp_path, monkeypatch):
    """Even a KeyboardInterrupt in the middle leaves the old file and no temp."""
    f = tmp_path / "model.mlir"
    shutil.copy(os.path.join(FIXTURES_DIR, "linear.mlir"), f)
    before = f.read_bytes()
    program = AIProgram.load(f)
    real_fdopen = os.fdopen

    class _Interrupting(_FailingFile):
        def write(self, data):
            raise KeyboardInterrupt

    monkeypatch.setattr(program_module.os, "fdopen",
                        lambda *a, **k: _Interrupting(real_fdopen(*a, **k)))
    with pytest.raises(KeyboardInterrupt):
        program.save(f)
    monkeypatch.undo()
    assert f.read_bytes() == before and os.listdir(tmp_path) == ["model.mlir"]
    program.save(f)   # and a normal save over the input works
    assert same_text(f.read_bytes(), before)

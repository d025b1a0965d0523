"""utils/gen_census_tests.py reproduces the committed census tests byte for byte.

The generator reads utils/coreai_syntax.json (the census of Apple's 140 `coreai` ops, see
docs/spec/COREAI_SYNTAX.md) and writes test/Dialect/CoreAI/census; here it writes into a
temporary directory, which must then equal the committed tree.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os

from conftest import PROJECT_ROOT

GENERATOR = os.path.join(PROJECT_ROOT, "utils", "gen_census_tests.py")
CENSUS_DIR = os.path.join(PROJECT_ROOT, "test", "Dialect", "CoreAI", "census")


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_census_tests", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files)


def test_generator_reads_the_census_in_the_repository():
    gen = _load_generator()
    assert os.path.samefile(gen.DEFAULT_JSON,
                            os.path.join(PROJECT_ROOT, "utils", "coreai_syntax.json"))


def test_generator_reproduces_the_committed_census_tests(tmp_path, monkeypatch, capsys):
    gen = _load_generator()
    out = tmp_path / "census"
    monkeypatch.setattr(gen, "OUT_DIR", str(out))
    assert gen.main(["gen_census_tests.py"]) == 0
    assert "140 ops" in capsys.readouterr().out
    generated, committed = _tree(out), _tree(CENSUS_DIR)
    assert generated == committed
    _, mismatch, errors = filecmp.cmpfiles(out, CENSUS_DIR, generated, shallow=False)
    assert mismatch == [] and errors == []

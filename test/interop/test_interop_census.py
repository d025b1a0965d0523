"""Every custom-form line our tool prints for the op census
(test/Dialect/CoreAI/census/Inputs/*.mlir, split at ``// -----``) is read
back by Apple's parser.

``coreai-opt --split-input-file`` prints each input chunk; Apple's parser
(with unregistered dialects allowed, for the census's ``census.*`` helper
ops) parses and verifies every printed chunk, and the input chunk too. A
chunk fails if Apple's parser rejects our printed text with a syntax error,
or if Apple accepts the input chunk but not our print of it. Chunks whose
*input* Apple's verifier already rejects (invalid census programs for
Apple's stricter verifier) are listed in the output, not failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interop_common import REPO, RUNNER, RUN_TIMEOUT

CENSUS = REPO / "test" / "Dialect" / "CoreAI" / "census" / "Inputs"
INPUTS = sorted(CENSUS.glob("*.mlir"))


def _coreai_opt():
    exe = Path(sys.executable).parent / "coreai-opt"
    return str(exe) if exe.exists() else shutil.which("coreai-opt")


def _apple_parse_split(paths):
    proc = subprocess.run([sys.executable, str(RUNNER), "parse-split", *map(str, paths)],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, f"Apple's parser process died: {proc.stderr[-3000:]}"
    results = {}
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        results[(Path(r["file"]).name, r["chunk"])] = r
    return results


def _is_verifier_error(error: str) -> bool:
    # MLIR attaches "see current operation" to verifier failures of parsed ops.
    return "see current operation" in error


@pytest.fixture(scope="module")
def census(tmp_path_factory):
    assert INPUTS, f"no census inputs in {CENSUS} (utils/gen_census_tests.py writes them)"
    exe = _coreai_opt()
    assert exe, "coreai-opt not found"
    out_dir = tmp_path_factory.mktemp("census")
    printed, tool_errors = [], {}
    for path in INPUTS:
        out = out_dir / path.name
        proc = subprocess.run([exe, "--split-input-file", str(path), "-o", str(out)],
                              capture_output=True, text=True, timeout=RUN_TIMEOUT)
        if proc.returncode != 0:
            tool_errors[path.name] = proc.stderr[-2000:]
        else:
            printed.append(out)
    ours = _apple_parse_split(printed) if printed else {}
    theirs = _apple_parse_split(INPUTS)
    rejected_inputs = sorted(k for k, r in theirs.items() if not r["ok"])
    if rejected_inputs:
        print("\nApple's parser/verifier rejects these census INPUT chunks (not our printer):")
        for k in rejected_inputs:
            first = [x for x in theirs[k]["error"].splitlines() if "body region" not in x]
            print(f"  {k[0]} chunk {k[1]}: {' | '.join(first[1:2])[:200]}")
    return ours, theirs, tool_errors


def test_census_inputs_are_there():
    """The parametrized test below would be skipped, not failed, without its inputs."""
    assert len(INPUTS) > 140, f"census inputs missing in {CENSUS} (utils/gen_census_tests.py)"


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_census_output_parses_in_coreai(path, census):
    ours, theirs, tool_errors = census
    assert path.name not in tool_errors, f"coreai-opt fails on {path.name}:\n{tool_errors[path.name]}"
    chunks = sorted(k for k in ours if k[0] == path.name)
    assert chunks, f"no chunks printed for {path.name}"
    problems = []
    for key in chunks:
        mine, input_result = ours[key], theirs.get(key)
        if mine["ok"]:
            continue
        if not _is_verifier_error(mine["error"]):
            problems.append(f"chunk {key[1]}: Apple's parser rejects our text:\n{mine['error']}")
        elif input_result is None or input_result["ok"]:
            problems.append(f"chunk {key[1]}: Apple's verifier accepts the input but rejects our "
                            f"print of it:\n{mine['error']}")
    assert not problems, "\n".join(problems)

"""Interop tests against Apple's Core AI package (``coreai``, from
requirements-interop.txt). When ``coreai`` cannot be imported, every test here
is skipped, with the reason, so that pytest runs without it; but if
COREAI_REQUIRE_INTEROP is set (``make test`` sets it: it installs ``coreai``),
the run stops with an error instead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from interop_common import REQUIRE  # noqa: E402

try:
    import coreai.authoring  # noqa: F401
    from coreai._compiler import ir as _coreai_ir  # noqa: F401

    COREAI_ERROR = None
except Exception as e:  # noqa: BLE001 - any import failure means "not available"
    COREAI_ERROR = f"{type(e).__name__}: {e}"


def pytest_collection_modifyitems(config, items):
    if COREAI_ERROR is None:
        return
    reason = ("Apple's coreai (coreai-core==1.0.0b3) is not importable "
              f"({COREAI_ERROR}); pip install -r requirements-interop.txt")
    if REQUIRE:
        pytest.exit(f"COREAI_REQUIRE_INTEROP is set but {reason}", returncode=1)
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter):
    try:
        from test_interop_runtime import CONFIGS, SQNR_TABLE
    except Exception:  # noqa: BLE001
        return
    if not SQNR_TABLE:
        return
    models = sorted({m for m, _ in SQNR_TABLE})
    configs = [c for c in CONFIGS if any((m, c) in SQNR_TABLE for m in models)]
    tr = terminalreporter
    tr.section("SQNR (dB) of quantized programs on Apple's CPU runtime")
    tr.write_line("| model | " + " | ".join(configs) + " |")
    tr.write_line("|---" * (len(configs) + 1) + "|")
    for m in models:
        cells = [f"{SQNR_TABLE[(m, c)][0]:.1f}" if (m, c) in SQNR_TABLE else "" for c in configs]
        tr.write_line(f"| {m} | " + " | ".join(cells) + " |")

"""Routes MLIR diagnostics of a context to Python logging and exceptions.

The logger is ``coreai_opt.coreai_utils``'s, the one Apple's API warns on."""

from __future__ import annotations

import contextlib
import logging
from typing import Iterator, List

from mlir import ir

from .errors import CoreAIError

logger = logging.getLogger("coreai_opt.coreai_utils")


class CapturedDiagnostics:
    def __init__(self) -> None:
        self.errors: List[str] = []
        self.warnings: List[str] = []

    def raise_errors(self) -> None:
        if self.errors:
            raise CoreAIError("\n".join(self.errors), self.errors)


def _format(diag) -> str:
    text = f"{diag.location}: {diag.message}"
    for note in diag.notes:
        text += f"\n  {note.location}: note: {note.message}"
    return text


@contextlib.contextmanager
def capture_diagnostics(context: ir.Context,
                        log_warnings: bool = True) -> Iterator[CapturedDiagnostics]:
    """Warnings are collected and (unless ``log_warnings`` is False) go to
    the ``coreai_opt.coreai_utils`` logger as they come; errors are collected
    for the caller to raise."""
    captured = CapturedDiagnostics()

    def handler(diag) -> bool:
        text = _format(diag)
        if diag.severity == ir.DiagnosticSeverity.ERROR:
            captured.errors.append(text)
        elif diag.severity == ir.DiagnosticSeverity.WARNING:
            captured.warnings.append(text)
            if log_warnings:
                logger.warning(text)
        else:
            logger.info(text)
        return True

    registration = context.attach_diagnostic_handler(handler)
    try:
        yield captured
    finally:
        registration.detach()

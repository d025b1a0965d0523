"""The exceptions of coreai_opt (also importable from ``coreai_opt``)."""

from __future__ import annotations

from typing import List, Optional


class CoreAIError(Exception):
    """An error reported by MLIR about a program (parse, verify, pass)."""

    def __init__(self, message: str, diagnostics: Optional[List[str]] = None):
        super().__init__(message)
        self.diagnostics = list(diagnostics or [message])


class ParseError(CoreAIError):
    """The text or bytecode is not a valid program."""


class VerificationError(CoreAIError):
    """The program parsed but does not verify."""

"""Runs a pass pipeline on the program a transform was given, of either kind."""

from __future__ import annotations

import copy

from ..program import AIProgram


def transform(coreai_program, pipeline: str, in_place: bool):
    """Runs ``pipeline`` on our AIProgram (a copy unless ``in_place``) or on
    Apple's (through ``_interop``); returns the same kind."""
    from ._interop import is_external, transform_external

    if isinstance(coreai_program, AIProgram):
        target = coreai_program if in_place else copy.deepcopy(coreai_program)
        target.run_pipeline(pipeline)
        return target
    if is_external(coreai_program):
        return transform_external(coreai_program, pipeline, in_place)
    raise TypeError(
        "coreai_program must be a coreai_opt.AIProgram or a coreai.authoring.AIProgram, "
        f"got {type(coreai_program).__name__}")

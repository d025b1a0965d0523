"""Accepting Apple's ``coreai.authoring.AIProgram`` (duck-typed; ``coreai``
is imported only when such an object is passed)."""

from __future__ import annotations

from ..program import AIProgram


def from_external(program):
    """(our AIProgram, the external object or None)."""
    if isinstance(program, AIProgram):
        return program, None
    if hasattr(program, "_module") and type(program).__module__.startswith("coreai"):
        text = str(program)
        return AIProgram.parse(text, filename="<coreai.authoring.AIProgram>"), program
    raise TypeError(
        "coreai_program must be a coreai_opt.AIProgram or a coreai.authoring.AIProgram, "
        f"got {type(program).__name__}")


def to_external(ours: AIProgram, external, in_place: bool):
    """Converts back through text to an object of the external's kind."""
    import coreai.authoring as authoring  # noqa: F401  (lazy: only for Apple's objects)
    from coreai.authoring import AIProgram as ExternalProgram

    text = ours.to_text(generic=False)
    context = external._module._mlir_module.context if hasattr(external._module, "_mlir_module") else None
    from coreai._compiler import ir as coreai_ir

    with (context or coreai_ir.Context()):
        module = coreai_ir.Module.parse(text)
    converted = ExternalProgram._from_mlir_module(module)
    if in_place:
        external._module = converted._module
        return external
    return converted

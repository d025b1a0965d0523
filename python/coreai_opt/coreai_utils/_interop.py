"""Accepting Apple's ``coreai.authoring.AIProgram`` (duck-typed; ``coreai``
is imported only when such an object is passed).

The conversion goes through program text (custom form, with locations, so the
quantized ops keep the original constants' locations): Apple's program is
printed by Apple's MLIR, parsed by ours, quantized, printed by ours and parsed
back by Apple's parser into the caller's own MLIR context.
"""

from __future__ import annotations

from ..program import AIProgram, CoreAIError

_EXTERNAL_NAME = "<coreai.authoring.AIProgram>"


def _is_external(program) -> bool:
    """An object shaped like Apple's ``coreai.authoring.AIProgram``: defined in
    the ``coreai`` package, holding ``_module._mlir_module`` (an MLIR module)."""
    module_name = type(program).__module__ or ""
    if module_name != "coreai" and not module_name.startswith("coreai."):
        return False
    wrapper = getattr(program, "_module", None)
    mlir_module = getattr(wrapper, "_mlir_module", None)
    return mlir_module is not None and hasattr(mlir_module, "operation")


def _external_text(external) -> str:
    operation = external._module._mlir_module.operation  # noqa: SLF001
    try:
        return operation.get_asm(enable_debug_info=True)
    except TypeError:  # an older binding without the keyword
        return str(external)


def from_external(program):
    """(our AIProgram, the external object or None)."""
    if isinstance(program, AIProgram):
        return program, None
    if _is_external(program):
        return AIProgram.parse(_external_text(program), filename=_EXTERNAL_NAME), program
    raise TypeError(
        "coreai_program must be a coreai_opt.AIProgram or a coreai.authoring.AIProgram, "
        f"got {type(program).__name__}")


def to_external(ours: AIProgram, external, in_place: bool):
    """Our quantized program -> an object of the external's kind, parsed by
    Apple's parser in the external's context. With ``in_place`` the external
    object itself now holds the new module (its ``_module`` wrapper is kept
    and pointed at it) and is returned."""
    # Lazy: only reached when Apple's object was passed in.
    from coreai._compiler import ir as coreai_ir

    text = ours.to_text(generic=False, debug_info=True)
    old_module = external._module._mlir_module  # noqa: SLF001
    context = getattr(old_module, "context", None)
    if context is None:
        from coreai.authoring import Context

        context = Context()._mlir_context  # noqa: SLF001
    try:
        with context:
            module = coreai_ir.Module.parse(text)
    except Exception as e:  # noqa: BLE001 - Apple's MLIRError, re-raised as ours
        diagnostics = [f"{d.location}: {d.message}" for d in getattr(e, "error_diagnostics", [])]
        raise CoreAIError(
            "coreai could not parse the quantized program:\n" + ("\n".join(diagnostics) or str(e)),
            diagnostics) from None
    if in_place:
        external._module._mlir_module = module  # noqa: SLF001
        return external
    return type(external)._from_mlir_module(module)  # noqa: SLF001

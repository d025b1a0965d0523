"""Native weight compression for Apple Core AI programs.

``coreai_opt.coreai_utils.quantize_weights``, ``palettize_weights`` and
``sparsify_weights`` compress the weights of a Core AI program (MLIR in the
``coreai`` dialect) with C++ MLIR passes; ``coreai_opt.AIProgram`` reads,
verifies, prints and saves programs.
"""

from importlib import metadata as _metadata


def _check_no_apple_coreai_opt() -> None:
    # Apple's own package "coreai-opt" installs the same import name. Running
    # a mixture of the two packages' files would give undefined results.
    try:
        dist = _metadata.distribution("coreai-opt")
    except _metadata.PackageNotFoundError:
        return
    raise ImportError(
        "Apple's 'coreai-opt' package (version "
        f"{dist.version}) is installed in this environment and uses the same "
        "import name, coreai_opt, as 'coreai-opt-native'. Install them in "
        "separate environments: `pip uninstall coreai-opt` here, or use "
        "another venv for Apple's package."
    )


_check_no_apple_coreai_opt()

from .errors import CoreAIError, ParseError, VerificationError  # noqa: E402
from .program import AIProgram, ConstantInfo, make_context  # noqa: E402

__all__ = [
    "AIProgram",
    "ConstantInfo",
    "CoreAIError",
    "ParseError",
    "VerificationError",
    "make_context",
]
__version__ = "0.1.0"

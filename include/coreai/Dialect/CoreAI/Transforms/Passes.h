//===- Passes.h - coreai transformation passes ------------------*- C++ -*-===//

#ifndef COREAI_DIALECT_COREAI_TRANSFORMS_PASSES_H
#define COREAI_DIALECT_COREAI_TRANSFORMS_PASSES_H

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace coreai {

#define GEN_PASS_DECL
#include "coreai/Dialect/CoreAI/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "coreai/Dialect/CoreAI/Transforms/Passes.h.inc"

} // namespace coreai

#endif // COREAI_DIALECT_COREAI_TRANSFORMS_PASSES_H

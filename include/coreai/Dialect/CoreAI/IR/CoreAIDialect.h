//===- CoreAIDialect.h - The coreai dialect ---------------------*- C++ -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIDIALECT_H
#define COREAI_DIALECT_COREAI_IR_COREAIDIALECT_H

#include "mlir/IR/Dialect.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h.inc"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace coreai {
/// Registers the coreai dialect (and the dialects it depends on).
void registerCoreAIDialects(mlir::DialectRegistry &registry);
} // namespace coreai

#endif // COREAI_DIALECT_COREAI_IR_COREAIDIALECT_H

//===- DebugInfo.h - the debuginfo dialect ----------------------*- C++ -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_DEBUGINFO_H
#define COREAI_DIALECT_COREAI_IR_DEBUGINFO_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Location.h"

#include "coreai/Dialect/CoreAI/IR/DebugInfoDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/DebugInfoAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/DebugInfoTypes.h.inc"

#endif // COREAI_DIALECT_COREAI_IR_DEBUGINFO_H

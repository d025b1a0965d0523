//===- CoreAIOps.h - coreai ops, attributes and types -----------*- C++ -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIOPS_H
#define COREAI_DIALECT_COREAI_IR_COREAIOPS_H

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/CoreAIAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/CoreAITypes.h.inc"

#define GET_OP_CLASSES
#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h.inc"

namespace coreai {
/// Bytes a `dense_resource` blob must hold for `type`: elements of 8 bits
/// and more as stored; a signless i1 one per byte; the other 1, 2, 3, 4 and
/// 6-bit types as the LSB-first bit stream of coreai/Kernels/Packing.h.
/// Returns std::nullopt for element types without a layout.
std::optional<int64_t> getPackedBlobSize(mlir::ShapedType type);
} // namespace coreai

#endif // COREAI_DIALECT_COREAI_IR_COREAIOPS_H

//===- CoreAIBase.td - op classes for the coreai syntax ----*- tablegen -*-===//
//
// The real printer uses a handful of assembly patterns (see COREAI_SYNTAX.md);
// each is a class here so that most ops are one declarative line.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIBASE_TD
#define COREAI_DIALECT_COREAI_IR_COREAIBASE_TD

include "coreai/Dialect/CoreAI/IR/CoreAIDialect.td"
include "coreai/Dialect/CoreAI/IR/CoreAIAttrs.td"
include "coreai/Dialect/CoreAI/IR/CoreAITypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class CoreAI_Op<string mnemonic, list<Trait> traits = []>
    : Op<CoreAI_Dialect, mnemonic, traits>;

// P1a: `%r = coreai.OP %a, %b : (T1, T2) -> R {attrs}`.
class CoreAI_P1aOp<string mnemonic, dag ins, list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = (outs AnyType:$output);
  let assemblyFormat = "operands `:` functional-type(operands, results) attr-dict";
}

// P1b: `%r = coreai.OP %a, %b attributes {attrs} : (T1, T2) -> R`.
class CoreAI_P1bOp<string mnemonic, dag ins, list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = (outs AnyType:$output);
  let assemblyFormat =
      "operands attr-dict-with-keyword `:` functional-type(operands, results)";
}

// P2: `%r = coreai.OP %a : T -> R {attrs}`.
class CoreAI_P2Op<string mnemonic, list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = (ins AnyType:$x);
  let results = (outs AnyType:$output);
  let assemblyFormat = "$x `:` type($x) `->` type($output) attr-dict";
}

#endif // COREAI_DIALECT_COREAI_IR_COREAIBASE_TD

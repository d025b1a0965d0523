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
class CoreAI_P1aOp<string mnemonic, dag ins, list<Trait> traits = [Pure],
                   dag outs = (outs AnyType:$output)>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat = "operands `:` functional-type(operands, results) attr-dict";
}

// P1b: `%r = coreai.OP %a, %b attributes {attrs} : (T1, T2) -> R`.
class CoreAI_P1bOp<string mnemonic, dag ins, list<Trait> traits = [Pure],
                   dag outs = (outs AnyType:$output)>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat =
      "operands attr-dict-with-keyword `:` functional-type(operands, results)";
}

// P2: `%r = coreai.OP %a : T -> R {attrs}`.
class CoreAI_P2Op<string mnemonic, dag ins = (ins AnyType:$x),
                  dag outs = (outs AnyType:$output), list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat = "operands `:` type(operands) `->` type(results) attr-dict";
}

// P2to: `%r = coreai.OP %a : T to R {attrs}`.
class CoreAI_P2toOp<string mnemonic, dag ins, dag outs,
                    list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat = "operands `:` type(operands) `to` type(results) attr-dict";
}

// P3: an inline enum between the operands and the colon, its value written
// `<v>` without the dialect prefix: `%r = coreai.OP %a, %b mode = <v> : ...`.
// `enumFormat` is the enum's part of the format (`mode` `=` $attr, or an
// optional group for attributes left out when they hold their default).
// The types are functional (P1) or, with `bareTypes`, `T -> R` (P2).
class CoreAI_P3Op<string mnemonic, dag ins, string enumFormat,
                  bit bareTypes = 0, dag outs = (outs AnyType:$output),
                  list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat = "operands " # enumFormat # " `:` " #
      !if(bareTypes, "type(operands) `->` type(results)",
                     "functional-type(operands, results)") # " attr-dict";
}

// P3d: the enum stays in an ordinary attr-dict before the colon, written
// in full: `%r = coreai.OP %a {mode = #coreai.m<v>} : (T) -> R`.
class CoreAI_P3dOp<string mnemonic, dag ins, dag outs = (outs AnyType:$output),
                   list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

// P4: keyword operand forms whose types are `(T1, T2, ...) to R`, the type
// list in ODS operand order; `operandFormat` spells the operands.
class CoreAI_P4Op<string mnemonic, dag ins, string operandFormat,
                  dag outs = (outs AnyType:$output), list<Trait> traits = [Pure]>
    : CoreAI_Op<mnemonic, traits> {
  let arguments = ins;
  let results = outs;
  let assemblyFormat = operandFormat #
      " `:` `(` type(operands) `)` `to` type(results) attr-dict";
}

#endif // COREAI_DIALECT_COREAI_IR_COREAIBASE_TD

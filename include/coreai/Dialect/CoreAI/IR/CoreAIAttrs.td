//===- CoreAIAttrs.td - coreai attributes and enums --------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIATTRS_TD
#define COREAI_DIALECT_COREAI_IR_COREAIATTRS_TD

include "coreai/Dialect/CoreAI/IR/CoreAIDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

class CoreAI_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<CoreAI_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// An enum printed `#coreai.<mnemonic><value>`, and `<value>` inside ops.
class CoreAI_EnumAttr<I32EnumAttr enumInfo, string attrMnemonic>
    : EnumAttr<CoreAI_Dialect, enumInfo, attrMnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

class CoreAI_I32Enum<string name, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, "", cases> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::coreai";
}

def CoreAI_PaddingMode : CoreAI_I32Enum<"PaddingMode", [
  I32EnumAttrCase<"circular", 0>, I32EnumAttrCase<"constant", 1>,
  I32EnumAttrCase<"reflect", 2>, I32EnumAttrCase<"replicate", 3>,
  I32EnumAttrCase<"symmetric", 4>]>;
def CoreAI_PaddingModeAttr : CoreAI_EnumAttr<CoreAI_PaddingMode, "padding_mode">;

def CoreAI_CompositeDeclarationAttr
    : CoreAI_Attr<"CompositeDeclaration", "composite_declaration"> {
  let summary = "Declares a graph as the decomposition of a named composite op";
  let description = [{
    Example: `#coreai.composite_declaration<"layer_norm" = {input_names = ["input"], ...}>`.
  }];
  let parameters = (ins StringRefParameter<>:$name, "::mlir::DictionaryAttr":$attrs);
  let assemblyFormat = "`<` $name `=` $attrs `>`";
}

def CoreAI_Approximate : CoreAI_I32Enum<"Approximate", [
  I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"tanh", 1>,
  I32EnumAttrCase<"sigmoid", 2>]>;
def CoreAI_ApproximateAttr : CoreAI_EnumAttr<CoreAI_Approximate, "approximate">;

def CoreAI_InterpolationMode : CoreAI_I32Enum<"InterpolationMode", [
  I32EnumAttrCase<"linear", 0>, I32EnumAttrCase<"nearest_neighbor", 1>]>;
def CoreAI_InterpolationModeAttr
    : CoreAI_EnumAttr<CoreAI_InterpolationMode, "interpolation_mode">;

def CoreAI_ScatterMode : CoreAI_I32Enum<"ScatterMode", [
  I32EnumAttrCase<"update", 0>, I32EnumAttrCase<"add", 1>,
  I32EnumAttrCase<"sub", 2>, I32EnumAttrCase<"mul", 3>,
  I32EnumAttrCase<"div", 4>, I32EnumAttrCase<"max", 5>,
  I32EnumAttrCase<"min", 6>]>;
def CoreAI_ScatterModeAttr : CoreAI_EnumAttr<CoreAI_ScatterMode, "scatter_mode">;

def CoreAI_Compilation : CoreAI_I32Enum<"Compilation", [
  I32EnumAttrCase<"full", 0>, I32EnumAttrCase<"partial", 1>,
  I32EnumAttrCase<"finalized", 2>]>;
def CoreAI_CompilationAttr : CoreAI_EnumAttr<CoreAI_Compilation, "compilation">;

def CoreAI_SamplingMode : CoreAI_I32Enum<"SamplingMode", [
  I32EnumAttrCase<"half_pixel", 0>, I32EnumAttrCase<"align_corners", 1>]>;
def CoreAI_SamplingModeAttr : CoreAI_EnumAttr<CoreAI_SamplingMode, "sampling_mode">;

// scan's combiner is stored as a plain `N : i32` (scan_op); this enum only
// names the values for the custom form `combiner = <sum>`.
def CoreAI_ScanCombiner : CoreAI_I32Enum<"ScanCombiner", [
  I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"product", 1>,
  I32EnumAttrCase<"min", 2>, I32EnumAttrCase<"max", 3>]>;

def CoreAI_SparseScheme : CoreAI_I32Enum<"SparseScheme", [
  I32EnumAttrCase<"bitmask", 0>, I32EnumAttrCase<"coo", 1>,
  I32EnumAttrCase<"csr", 2>, I32EnumAttrCase<"csc", 3>,
  I32EnumAttrCase<"bsr", 4>]>;

def CoreAI_SparseTensorEncodingAttr
    : CoreAI_Attr<"SparseTensorEncoding", "sparse_tensor_encoding"> {
  let summary = "Tensor encoding of a sparse tensor";
  let description = [{
    `tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, numNonZero = 4, posWidth = 1, crdWidth = 1>>`

    `numNonZero` (optional in the syntax) is the number of stored values;
    Apple's runtime needs it, equal to the values' length, to run a
    `build_sparse_with_bitmask`.
  }];
  let parameters = (ins EnumParameter<CoreAI_SparseScheme>:$scheme,
                        OptionalParameter<"std::optional<uint64_t>">:$numNonZero,
                        "unsigned":$posWidth, "unsigned":$crdWidth);
  // `<scheme[, numNonZero = n], posWidth = p, crdWidth = c>`: the optional
  // entry starts with the same `,` as the next one, which the declarative
  // format cannot tell apart.
  let hasCustomAssemblyFormat = 1;
}

def CoreAI_TargetSpecAttr : CoreAI_Attr<"TargetSpec", "target_spec"> {
  let summary = "The target a program is compiled for";
  let description = [{
    `#coreai.target_spec<triple = "arm64-apple-ios", soc = "a17", delegateOptions = {}>`
  }];
  let parameters = (ins StringRefParameter<>:$triple, StringRefParameter<>:$soc,
                        "::mlir::DictionaryAttr":$delegateOptions);
  let assemblyFormat = [{
    `<` `triple` `=` $triple `,` `soc` `=` $soc `,` `delegateOptions` `=`
    $delegateOptions `>`
  }];
}

def CoreAI_FourCCAttr : CoreAI_Attr<"FourCC", "fourcc"> {
  let summary = "A pixel format: a named FourCC (`<k24RGB>`) or a code (`<\"420v\">`)";
  let parameters = (ins StringRefParameter<>:$code, "bool":$quoted);
  let hasCustomAssemblyFormat = 1;
}

#endif // COREAI_DIALECT_COREAI_IR_COREAIATTRS_TD

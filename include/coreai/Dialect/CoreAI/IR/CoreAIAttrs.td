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

#endif // COREAI_DIALECT_COREAI_IR_COREAIATTRS_TD

//===- CoreAITypes.td - coreai types -----------------------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAITYPES_TD
#define COREAI_DIALECT_COREAI_IR_COREAITYPES_TD

include "coreai/Dialect/CoreAI/IR/CoreAIDialect.td"
include "mlir/IR/AttrTypeBase.td"

class CoreAI_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<CoreAI_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def CoreAI_TokenType : CoreAI_Type<"Token", "token"> {
  let summary = "Orders side effects between ops";
}

def CoreAI_HandleType : CoreAI_Type<"Handle", "handle"> {
  let summary = "A reference to mutable state holding a value of the given type";
  let parameters = (ins "::mlir::Type":$valueType);
  let assemblyFormat = "`<` $valueType `>`";
}

#endif // COREAI_DIALECT_COREAI_IR_COREAITYPES_TD

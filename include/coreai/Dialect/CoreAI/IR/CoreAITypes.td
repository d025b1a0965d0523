//===- CoreAITypes.td - coreai types -----------------------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAITYPES_TD
#define COREAI_DIALECT_COREAI_IR_COREAITYPES_TD

include "coreai/Dialect/CoreAI/IR/CoreAIDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "coreai/Dialect/CoreAI/IR/CoreAIAttrs.td"

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

def CoreAI_ImageType : CoreAI_Type<"Image", "image"> {
  let summary = "An image: pixel format, width and height";
  let description = [{
    `!coreai.image<<k24RGB> x 4 : i64 x 4 : i64>`; inside op type lists the
    dialect prefix is left out: `<<k24RGB> x 4 : i64 x 4 : i64>`.
  }];
  let parameters = (ins "::coreai::FourCCAttr":$format,
                        "::mlir::IntegerAttr":$width,
                        "::mlir::IntegerAttr":$height);
  let assemblyFormat = "`<` $format `x` $width `x` $height `>`";
}

// Tokens as an operand/result constraint that still prints `!coreai.token`.
def CoreAI_AnyToken : Type<CPred<"::llvm::isa<::coreai::TokenType>($_self)">,
                           "coreai token">;

#endif // COREAI_DIALECT_COREAI_IR_COREAITYPES_TD

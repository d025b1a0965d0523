// Real program converted by Apple's coreai-torch 0.4.3 (test/interop/make_models.py):
// pre-norm transformer block: causal masked multi-head attention, LayerNorm, GELU FFN.
// It parses, verifies and prints back byte for byte in both forms, and its generic
// form reads back into the custom form Apple prints.
// RUN: coreai-opt %S/../../../interop/models/transformer_block.mlir -o %t
// RUN: %compare %S/../../../interop/models/transformer_block.mlir %t
// RUN: coreai-opt --mlir-print-op-generic %S/../../../interop/models/transformer_block.generic.mlir -o %t.generic
// RUN: %compare %S/../../../interop/models/transformer_block.generic.mlir %t.generic
// RUN: coreai-opt %S/../../../interop/models/transformer_block.generic.mlir -o %t.custom
// RUN: %compare %S/../../../interop/models/transformer_block.mlir %t.custom

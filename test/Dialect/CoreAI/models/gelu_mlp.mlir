// Real program converted by Apple's coreai-torch 0.4.3 (test/interop/make_models.py):
// MLP: LayerNorm, GELU (exact and tanh), Softmax.
// It parses, verifies and prints back byte for byte in both forms, and its generic
// form reads back into the custom form Apple prints.
// RUN: coreai-opt %S/../../../interop/models/gelu_mlp.mlir -o %t
// RUN: %compare %S/../../../interop/models/gelu_mlp.mlir %t
// RUN: coreai-opt --mlir-print-op-generic %S/../../../interop/models/gelu_mlp.generic.mlir -o %t.generic
// RUN: %compare %S/../../../interop/models/gelu_mlp.generic.mlir %t.generic
// RUN: coreai-opt %S/../../../interop/models/gelu_mlp.generic.mlir -o %t.custom
// RUN: %compare %S/../../../interop/models/gelu_mlp.mlir %t.custom

// Real program converted by Apple's coreai-torch 0.4.3 (test/interop/make_models.py):
// torch.cond -> coreai.if with two regions.
// It parses, verifies and prints back byte for byte in both forms, and its generic
// form reads back into the custom form Apple prints.
// RUN: coreai-opt %S/../../../interop/models/cond.mlir -o %t
// RUN: %compare %S/../../../interop/models/cond.mlir %t
// RUN: coreai-opt --mlir-print-op-generic %S/../../../interop/models/cond.generic.mlir -o %t.generic
// RUN: %compare %S/../../../interop/models/cond.generic.mlir %t.generic
// RUN: coreai-opt %S/../../../interop/models/cond.generic.mlir -o %t.custom
// RUN: %compare %S/../../../interop/models/cond.mlir %t.custom

// Real program converted by Apple's coreai-torch 0.4.3 (test/interop/make_models.py):
// torch while_loop -> coreai.while / coreai.condition / coreai.yield.
// It parses, verifies and prints back byte for byte in both forms, and its generic
// form reads back into the custom form Apple prints.
// RUN: coreai-opt %S/../../../interop/models/while_loop.mlir -o %t
// RUN: %compare %S/../../../interop/models/while_loop.mlir %t
// RUN: coreai-opt --mlir-print-op-generic %S/../../../interop/models/while_loop.generic.mlir -o %t.generic
// RUN: %compare %S/../../../interop/models/while_loop.generic.mlir %t.generic
// RUN: coreai-opt %S/../../../interop/models/while_loop.generic.mlir -o %t.custom
// RUN: %compare %S/../../../interop/models/while_loop.mlir %t.custom

// Round trip of a real program (custom form), verified, byte for byte.
// RUN: coreai-opt %fixtures/emb.mlir -o %t
// RUN: %compare %fixtures/emb.mlir %t

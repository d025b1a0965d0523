// Round trip of a real program (custom form), verified, byte for byte.
// RUN: coreai-opt %fixtures/batch_matmul.mlir -o %t
// RUN: %compare %fixtures/batch_matmul.mlir %t

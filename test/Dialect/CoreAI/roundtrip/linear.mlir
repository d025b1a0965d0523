// Round trip of a real program (custom form), verified, byte for byte.
// RUN: coreai-opt %fixtures/linear.mlir -o %t
// RUN: %compare %fixtures/linear.mlir %t

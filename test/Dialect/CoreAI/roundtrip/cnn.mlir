// Round trip of a real program (custom form), verified, byte for byte.
// RUN: coreai-opt %fixtures/cnn.mlir -o %t
// RUN: %compare %fixtures/cnn.mlir %t

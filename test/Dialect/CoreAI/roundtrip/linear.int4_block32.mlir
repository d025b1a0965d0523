// Round trip of a real program (custom form), verified, byte for byte.
// RUN: coreai-opt %fixtures/linear.int4_block32.mlir -o %t
// RUN: %compare %fixtures/linear.int4_block32.mlir %t

// Round trip of a real program (custom form), verified, byte for byte.
// RUN: coreai-opt %fixtures/cnn.uint8_sym_perchannel.mlir -o %t
// RUN: %compare %fixtures/cnn.uint8_sym_perchannel.mlir %t

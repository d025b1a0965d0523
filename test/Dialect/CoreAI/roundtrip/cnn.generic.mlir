// Round trip of a real program (generic form), verified, byte for byte,
// and its generic form read back into the custom form Apple's tools print.
// RUN: coreai-opt --mlir-print-op-generic %fixtures/cnn.generic.mlir -o %t
// RUN: %compare %fixtures/cnn.generic.mlir %t
// RUN: coreai-opt %fixtures/cnn.generic.mlir -o %t.custom
// RUN: %compare %fixtures/cnn.mlir %t.custom

// Round trip of a real program (generic form), verified, byte for byte,
// and its generic form read back into the custom form Apple's tools print.
// RUN: coreai-opt --mlir-print-op-generic %fixtures/linear.generic.mlir -o %t
// RUN: %compare %fixtures/linear.generic.mlir %t
// RUN: coreai-opt %fixtures/linear.generic.mlir -o %t.custom
// RUN: %compare %fixtures/linear.mlir %t.custom

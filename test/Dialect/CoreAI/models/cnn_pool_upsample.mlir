// Real program converted by Apple's coreai-torch 0.4.3 (test/interop/make_models.py):
// CNN: Conv2d+BatchNorm, MaxPool2d, AvgPool2d, nearest and bilinear Upsample, concat.
// It parses, verifies and prints back byte for byte in both forms, and its generic
// form reads back into the custom form Apple prints.
// RUN: coreai-opt %S/../../../interop/models/cnn_pool_upsample.mlir -o %t
// RUN: %compare %S/../../../interop/models/cnn_pool_upsample.mlir %t
// RUN: coreai-opt --mlir-print-op-generic %S/../../../interop/models/cnn_pool_upsample.generic.mlir -o %t.generic
// RUN: %compare %S/../../../interop/models/cnn_pool_upsample.generic.mlir %t.generic
// RUN: coreai-opt %S/../../../interop/models/cnn_pool_upsample.generic.mlir -o %t.custom
// RUN: %compare %S/../../../interop/models/cnn_pool_upsample.mlir %t.custom

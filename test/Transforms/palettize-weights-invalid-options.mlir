// Invalid palettize-weights options are pass errors: coreai-opt fails with the message
// the Python API raises (docs/spec/PALETTIZE_WEIGHTS.md §1).

// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='lut-dtype=int4' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LUT
// LUT: error: palettize-weights: `lut_dtype` must be one of ['fp8_e4m3fn', 'fp8_e5m2', 'int8', 'uint8'] or None, got 'int4'.

// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='n-bits=5' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: palettize-weights: `n_bits` must be one of [1, 2, 3, 4, 6, 8], got 5.

// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='granularity=per_block' -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRAN
// GRAN: error: palettize-weights: `granularity` must be one of ['per_channel', 'per_grouped_channel', 'per_tensor'], got 'per_block'.

// The reference's first check comes first.
// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='per-channel-scale=true cluster-dim=2 n-bits=5' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PCS
// PCS: error: palettize-weights: `enable_per_channel_scale=True` is not supported with `cluster_dim > 1`.

// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='cluster-dim=0' -o /dev/null 2>&1 | FileCheck %s --check-prefix=CD
// CD: error: palettize-weights: `cluster_dim` must be at least 1, got 0.

// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='granularity=per_grouped_channel group-size=-4' -o /dev/null 2>&1 | FileCheck %s --check-prefix=GS
// GS: error: palettize-weights: `group_size` must be non-negative with granularity=per_grouped_channel, got -4.

// RUN: not coreai-opt %fixtures/linear.mlir --palettize-weights='weight-num-threshold=-1' -o /dev/null 2>&1 | FileCheck %s --check-prefix=THRESHOLD
// THRESHOLD: error: palettize-weights: `weight_num_threshold` must be non-negative, got -1.

// An existing output file is left untouched.
// RUN: echo keep > %t && not coreai-opt %fixtures/linear.mlir --palettize-weights='n-bits=7' -o %t 2>/dev/null && FileCheck %s --input-file=%t --check-prefix=KEEP
// KEEP: keep

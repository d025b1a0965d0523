// Invalid sparsify-weights options are pass errors: coreai-opt fails with the message the
// Python API raises (docs/spec/SPARSIFY_WEIGHTS.md §1).

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='n-m-ratio=2,4' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: sparsify-weights: `target_sparsity` and `n_m_ratio` cannot both be set.

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='target-sparsity=none' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NEITHER
// NEITHER: error: sparsify-weights: One of `target_sparsity` or `n_m_ratio` must be set.

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='quantize-dtype=int8 palettize-nbits=4' -o /dev/null 2>&1 | FileCheck %s --check-prefix=JOINT
// JOINT: error: sparsify-weights: `quantize_dtype` and `palettize_nbits` cannot both be set.

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='quantize-dtype=int4' -o /dev/null 2>&1 | FileCheck %s --check-prefix=QDTYPE
// QDTYPE: error: sparsify-weights: Invalid quantize_dtype 'int4'. Valid quantize dtypes: ['fp8_e4m3fn', 'fp8_e5m2', 'int8', 'uint8'].

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='palettize-nbits=5' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NBITS
// NBITS: error: sparsify-weights: Invalid palettize_nbits 5. Must be one of [1, 2, 3, 4, 6, 8].

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='block-size=1' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: error: sparsify-weights: `block_size` must be greater than 1.

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='target-sparsity=none n-m-ratio=3,2' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NM
// NM: error: sparsify-weights: `n_m_ratio` requires 0 <= n <= m, got n=3, m=2.

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='target-sparsity=none n-m-ratio=2' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NMLEN
// NMLEN: error: sparsify-weights: n-m-ratio must be two integers n,m, got 1

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='target-sparsity=1.5' -o /dev/null 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: error: sparsify-weights: `target_sparsity` must be in [0, 1], got

// RUN: not coreai-opt %fixtures/linear.mlir --sparsify-weights='target-sparsity=half' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NUMBER
// NUMBER: error: sparsify-weights: target-sparsity must be a number in [0, 1] or none, got 'half'

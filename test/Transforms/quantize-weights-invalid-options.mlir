// Invalid quantize-weights options are pass errors (not op diagnostics): coreai-opt fails,
// prints the spec's message stem and leaves an existing output file untouched.

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NODTYPE
// NODTYPE: error: quantize-weights: Unsupported weight dtype
// NODTYPE-SAME: int2, uint2, int4, uint4, int8, uint8, fp4_e2m1fn, fp8_e4m3fn, fp8_e5m2

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int3' -o /dev/null 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp8_e8m0fnu' -o /dev/null 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: quantize-weights: Unsupported weight dtype

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int8 scale-dtype=fp8_e8m0fnu' -o /dev/null 2>&1 | FileCheck %s --check-prefix=INTSCALE
// INTSCALE: error: quantize-weights: scale_dtype must be None for integer dtype

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp8_e4m3fn qscheme=asymmetric' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FPASYM
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block qscheme=asymmetric' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FPASYM
// FPASYM: error: quantize-weights: Asymmetric quantization is not supported for FP dtype

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block scale-dtype=fp8_e8m0fnu' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP4SCALE
// FP4SCALE: error: quantize-weights: scale_dtype must be None for FP4 dtype

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp4_e2m1fn' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP4GRAN
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_tensor' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP4GRAN
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block block-size=16' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP4GRAN
// FP4GRAN: error: quantize-weights: DType.FP4_E2M1FN requires granularity=CompressionGranularity.PER_BLOCK and block_size=32

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp8_e5m2 scale-dtype=int8' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP8SCALE
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp8_e4m3fn scale-dtype=fp8_e4m3fn' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP8SCALE
// FP8SCALE: error: quantize-weights: Invalid scale_dtype

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int4 granularity=per_block block-size=0' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int4 granularity=per_block block-size=-32' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: error: quantize-weights: block_size must be positive

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int8 weight-num-threshold=-1' -o /dev/null 2>&1 | FileCheck %s --check-prefix=THRESH
// THRESH: error: quantize-weights: weight_num_threshold must be non-negative

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int8 granularity=per_grouped_channel' -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRAN
// GRAN: error: quantize-weights: Unsupported granularity 'per_grouped_channel'

// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int8 qscheme=foo' -o /dev/null 2>&1 | FileCheck %s --check-prefix=QSCHEME
// QSCHEME: error: quantize-weights: Unsupported qscheme 'foo'

// A failing run leaves an existing output file as it was.
// RUN: echo keep-me > %t.out
// RUN: not coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int3' -o %t.out
// RUN: FileCheck %s --check-prefix=KEEP --input-file=%t.out
// KEEP: keep-me

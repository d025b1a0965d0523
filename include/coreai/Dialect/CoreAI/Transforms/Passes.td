//===- Passes.td - coreai transformation passes ------------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_TRANSFORMS_PASSES_TD
#define COREAI_DIALECT_COREAI_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QuantizeWeights : Pass<"quantize-weights", "::mlir::ModuleOp"> {
  let summary = "Quantizes weight constants into coreai.blockwise_shift_scale";
  let description = [{
    Replaces each eligible `coreai.constant` (a float weight with more than
    `weight-num-threshold` elements, consumed by matmuls, convolutions,
    gathers or transposes feeding them) by low-bit data, scales and zero
    points feeding a `coreai.blockwise_shift_scale`. Constants that cannot be
    quantized are left as they are, with a warning naming them.

    ```
    coreai-opt --quantize-weights='dtype=int4 granularity=per_block block-size=32' in.mlir
    ```
  }];
  let dependentDialects = ["::coreai::CoreAIDialect"];
  let options = [
    Option<"dtype", "dtype", "std::string", /*default=*/"\"\"",
           "Target data type: int2, uint2, int4, uint4, int8, uint8, "
           "fp4_e2m1fn, fp8_e4m3fn, fp8_e5m2 (required)">,
    Option<"qscheme", "qscheme", "std::string", "\"symmetric\"",
           "symmetric or asymmetric">,
    Option<"granularity", "granularity", "std::string", "\"per_channel\"",
           "per_tensor, per_channel or per_block">,
    Option<"blockSize", "block-size", "int64_t", "32",
           "Block size along the input axis with granularity=per_block">,
    Option<"weightNumThreshold", "weight-num-threshold", "int64_t", "1024",
           "Only weights with more elements than this are quantized">,
    Option<"scaleDtype", "scale-dtype", "std::string", "\"\"",
           "Scale type for FP8: empty (the weight's type) or fp8_e8m0fnu">,
  ];
  let statistics = [
    Statistic<"numQuantized", "constants-quantized", "Constants quantized">,
    Statistic<"numSkipped", "constants-skipped",
              "Candidate constants skipped with a warning">,
    Statistic<"bytesIn", "bytes-in", "Weight bytes of the quantized constants">,
    Statistic<"bytesOut", "bytes-out",
              "Bytes of the data, scale and offset constants written">,
  ];
}

def PalettizeWeights : Pass<"palettize-weights", "::mlir::ModuleOp"> {
  let summary = "Palettizes weight constants into coreai.lut_to_dense";
  let description = [{
    Replaces each eligible `coreai.constant` (the candidates of
    quantize-weights) by `n-bits` indices into look-up tables found by an
    optimal 1-D k-means (vector k-means with `cluster-dim` > 1), decoded by
    a `coreai.lut_to_dense`; a quantized LUT (`lut-dtype`) or a per-channel
    scale adds a `coreai.blockwise_shift_scale`
    (docs/spec/PALETTIZE_WEIGHTS.md §7). Constants that cannot be palettized
    are left as they are, with a warning naming them.

    ```
    coreai-opt --palettize-weights='n-bits=4 granularity=per_grouped_channel group-size=16' in.mlir
    ```
  }];
  let dependentDialects = ["::coreai::CoreAIDialect"];
  let options = [
    Option<"lutDtype", "lut-dtype", "std::string", /*default=*/"\"\"",
           "LUT storage type: empty (the weight's type), int8, uint8, "
           "fp8_e4m3fn or fp8_e5m2">,
    Option<"nBits", "n-bits", "int64_t", "4",
           "Index bits: 1, 2, 3, 4, 6 or 8 (2^n-bits LUT entries)">,
    Option<"granularity", "granularity", "std::string", "\"per_tensor\"",
           "per_tensor, per_channel or per_grouped_channel">,
    Option<"groupSize", "group-size", "int64_t", "32",
           "Output channels per LUT with granularity=per_grouped_channel "
           "(0: one LUT)">,
    Option<"clusterDim", "cluster-dim", "int64_t", "1",
           "Elements per LUT entry, consecutive along the output axis">,
    Option<"perChannelScale", "per-channel-scale", "bool", "false",
           "Normalize each output channel by its max |w| first">,
    Option<"weightNumThreshold", "weight-num-threshold", "int64_t", "1024",
           "Only weights with more elements than this are palettized">,
  ];
  let statistics = [
    Statistic<"numPalettized", "constants-palettized", "Constants palettized">,
    Statistic<"numSkipped", "constants-skipped",
              "Candidate constants skipped with a warning">,
    Statistic<"bytesIn", "bytes-in",
              "Weight bytes of the palettized constants">,
    Statistic<"bytesOut", "bytes-out",
              "Bytes of the index, LUT and scale constants written">,
  ];
}

def SparsifyWeights : Pass<"sparsify-weights", "::mlir::ModuleOp"> {
  let summary = "Sparsifies weight constants into bitmask sparse tensors";
  let description = [{
    Replaces each eligible `coreai.constant` (the candidates of
    quantize-weights) by its kept non-zero values and a `ui1` bitmask, joined
    by `coreai.build_sparse_with_bitmask` and expanded by
    `coreai.sparse_with_bitmask_to_dense`: exactly floor(N*s) elements of
    smallest |w| pruned (`target-sparsity`), or floor(B*s) whole blocks of
    `block-size` along the output axis, or n of every m along the input axis
    (`n-m-ratio`). The kept values may be quantized (`quantize-dtype`) or
    palettized (`palettize-nbits`) too (docs/spec/SPARSIFY_WEIGHTS.md §5).
    Constants that cannot be sparsified are left as they are, with a warning
    naming them.

    ```
    coreai-opt --sparsify-weights='target-sparsity=none n-m-ratio=2,4' in.mlir
    ```
  }];
  let dependentDialects = ["::coreai::CoreAIDialect"];
  let options = [
    Option<"targetSparsity", "target-sparsity", "std::string", /*default=*/"\"0.5\"",
           "Fraction of elements (or blocks) pruned, in [0, 1]; `none` with "
           "n-m-ratio">,
    Option<"blockSize", "block-size", "int64_t", "0",
           "Prune whole blocks of this many elements along the output axis "
           "(0: elements)">,
    ListOption<"nmRatio", "n-m-ratio", "int64_t",
               "n,m: prune n of every m consecutive elements along the input "
               "axis">,
    Option<"quantizeDtype", "quantize-dtype", "std::string", "\"\"",
           "Quantize the kept values: int8, uint8, fp8_e4m3fn or fp8_e5m2">,
    Option<"palettizeNbits", "palettize-nbits", "int64_t", "0",
           "Palettize the kept values with this many index bits (1, 2, 3, 4, "
           "6, 8; 0: no)">,
    Option<"weightNumThreshold", "weight-num-threshold", "int64_t", "1024",
           "Only weights with more elements than this are sparsified">,
  ];
  let statistics = [
    Statistic<"numSparsified", "constants-sparsified", "Constants sparsified">,
    Statistic<"numSkipped", "constants-skipped",
              "Candidate constants skipped with a warning">,
    Statistic<"bytesIn", "bytes-in",
              "Weight bytes of the sparsified constants">,
    Statistic<"bytesOut", "bytes-out",
              "Bytes of the value, mask, scale and LUT constants written">,
  ];
}

#endif // COREAI_DIALECT_COREAI_TRANSFORMS_PASSES_TD

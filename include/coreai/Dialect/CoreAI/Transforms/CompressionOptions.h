//===- CompressionOptions.h - options of the weight transforms --*- C++ -*-===//
//
// The one place that validates the options of the weight-compression passes
// (quantize-weights, palettize-weights): each pass uses it for its
// command-line options and the Python API (through the bindings) for its
// ValueErrors, so both reject the same values with the same messages.
//
// Option values are spelled as the Python enums' values (`int4`,
// `fp8_e4m3fn`, `per_block`, `symmetric`); `-` is accepted for `_` and
// letters in either case.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_DIALECT_COREAI_TRANSFORMS_COMPRESSIONOPTIONS_H
#define COREAI_DIALECT_COREAI_TRANSFORMS_COMPRESSIONOPTIONS_H

#include "coreai/Kernels/Quantize.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace coreai {

enum class Granularity { PerTensor, PerChannel, PerBlock, PerGroupedChannel };

//===----------------------------------------------------------------------===//
// quantize-weights
//===----------------------------------------------------------------------===//

struct QuantizeOptions {
  kernels::QType qtype;
  kernels::Scheme scheme;
  Granularity granularity;
  int64_t blockSize;
  int64_t weightNumThreshold;
  /// Store scales as f8E8M0FNU (always for FP4; FP8 when asked).
  bool e8m0Scale;
};

/// Validates quantize-weights' options (an empty scaleDtype or `none` means
/// none). Returns the options or an error message.
std::variant<QuantizeOptions, std::string>
parseQuantizeOptions(std::string dtype, std::string qscheme,
                     std::string granularity, int64_t blockSize,
                     int64_t weightNumThreshold, std::string scaleDtype);

//===----------------------------------------------------------------------===//
// palettize-weights
//===----------------------------------------------------------------------===//

struct PalettizeOptions {
  /// The LUT's storage type; none: the weight's own type.
  std::optional<kernels::QType> lutType;
  /// 1, 2, 3, 4, 6 or 8.
  int nBits;
  /// PerTensor, PerChannel or PerGroupedChannel.
  Granularity granularity;
  /// Channels per group (PerGroupedChannel); 0: one group spanning the axis.
  int64_t groupSize;
  /// Elements per LUT vector along the output axis (>= 1).
  int64_t clusterDim;
  bool perChannelScale;
  int64_t weightNumThreshold;
};

/// The option values of palettize-weights as given (strings unparsed).
struct PalettizeOptionValues {
  std::string lutDtype; ///< empty or `none`: none
  int64_t nBits = 4;
  std::string granularity = "per_tensor";
  int64_t groupSize = 32;
  int64_t clusterDim = 1;
  bool perChannelScale = false;
  int64_t weightNumThreshold = 1024;
};

/// How a rejected string value is shown in a message: the Python API shows
/// the argument's repr (`<DType.INT4: 'int4'>`); by default it is quoted.
using ValueSpelling =
    std::function<std::string(const std::string &option,
                              const std::string &value)>;

/// Validates palettize-weights' options. The messages and their order are
/// those of Apple's palettize_weights (docs/spec/PALETTIZE_WEIGHTS.md §1),
/// followed by the range checks it lacks. Returns the options or the first
/// error.
std::variant<PalettizeOptions, std::string>
parsePalettizeOptions(const PalettizeOptionValues &values,
                      const ValueSpelling &spelling = nullptr);

//===----------------------------------------------------------------------===//
// sparsify-weights
//===----------------------------------------------------------------------===//

enum class SparsityKind { Unstructured, Block, NM };

struct SparsifyOptions {
  SparsityKind kind;
  /// s in [0, 1] (Unstructured, Block).
  double targetSparsity;
  /// >= 2 (Block).
  int64_t blockSize;
  /// 0 <= n <= m, m >= 1 (NM).
  int64_t n, m;
  /// The kept values quantized (INT8, UINT8, FP8_E4M3FN, FP8_E5M2) ...
  std::optional<kernels::QType> quantizeType;
  /// ... or palettized with this many index bits.
  std::optional<int> palettizeBits;
  int64_t weightNumThreshold;
  /// block_size was given with n_m_ratio: it is ignored, with a warning.
  bool blockSizeIgnored;
};

/// The option values of sparsify-weights as given (unset ones absent).
struct SparsifyOptionValues {
  std::optional<double> targetSparsity = 0.5;
  std::optional<int64_t> blockSize;
  std::optional<std::pair<int64_t, int64_t>> nmRatio;
  std::string quantizeDtype; ///< empty or `none`: none
  std::optional<int64_t> palettizeBits;
  int64_t weightNumThreshold = 1024;
};

/// Validates sparsify-weights' options. The messages and their order are
/// those of Apple's sparsify_weights (docs/spec/SPARSIFY_WEIGHTS.md §1),
/// followed by the range checks it lacks.
std::variant<SparsifyOptions, std::string>
parseSparsifyOptions(const SparsifyOptionValues &values,
                     const ValueSpelling &spelling = nullptr);

} // namespace coreai

#endif // COREAI_DIALECT_COREAI_TRANSFORMS_COMPRESSIONOPTIONS_H

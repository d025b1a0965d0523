//===- QuantizeOptions.h - options of quantize-weights ----------*- C++ -*-===//
//
// The one place that validates quantization options: the pass uses it for
// its command-line options and the Python API for its ValueErrors, so both
// reject the same combinations with the same messages.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_DIALECT_COREAI_TRANSFORMS_QUANTIZEOPTIONS_H
#define COREAI_DIALECT_COREAI_TRANSFORMS_QUANTIZEOPTIONS_H

#include "coreai/Kernels/Quantize.h"

#include <cstdint>
#include <string>
#include <variant>

namespace coreai {

enum class Granularity { PerTensor, PerChannel, PerBlock };

struct QuantizeOptions {
  kernels::QType qtype;
  kernels::Scheme scheme;
  Granularity granularity;
  int64_t blockSize;
  int64_t weightNumThreshold;
  /// Store scales as f8E8M0FNU (always for FP4; FP8 when asked).
  bool e8m0Scale;
};

/// Validates option values spelled as the Python enums' values (`int4`,
/// `fp8_e4m3fn`, `per_block`, `symmetric`; `-` is accepted for `_`; an empty
/// scaleDtype means none). Returns the options or an error message.
std::variant<QuantizeOptions, std::string>
parseQuantizeOptions(std::string dtype, std::string qscheme,
                     std::string granularity, int64_t blockSize,
                     int64_t weightNumThreshold, std::string scaleDtype);

} // namespace coreai

#endif // COREAI_DIALECT_COREAI_TRANSFORMS_QUANTIZEOPTIONS_H

//===- QuantizeOptions.cpp - options of quantize-weights ------------------===//

#include "coreai/Dialect/CoreAI/Transforms/QuantizeOptions.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace coreai {
namespace {

using kernels::QType;

constexpr std::pair<const char *, QType> kWeightDtypes[] = {
    {"int2", QType::SI2},         {"uint2", QType::UI2},
    {"int4", QType::SI4},         {"uint4", QType::UI4},
    {"int8", QType::SI8},         {"uint8", QType::UI8},
    {"fp4_e2m1fn", QType::F4E2M1FN}, {"fp8_e4m3fn", QType::F8E4M3FN},
    {"fp8_e5m2", QType::F8E5M2}};

std::string normalize(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::tolower(c));
  });
  return s;
}

std::string supportedWeightDtypes() {
  std::string list;
  for (auto &[name, type] : kWeightDtypes)
    list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

std::optional<QType> lookupWeightDtype(const std::string &name) {
  for (auto &[candidate, type] : kWeightDtypes)
    if (name == candidate)
      return type;
  return std::nullopt;
}

bool isFloat(QType t) {
  return t == QType::F4E2M1FN || t == QType::F8E4M3FN || t == QType::F8E5M2;
}

} // namespace

std::variant<QuantizeOptions, std::string>
parseQuantizeOptions(std::string dtype, std::string qscheme,
                     std::string granularity, int64_t blockSize,
                     int64_t weightNumThreshold, std::string scaleDtype) {
  dtype = normalize(dtype);
  qscheme = normalize(qscheme);
  granularity = normalize(granularity);
  scaleDtype = normalize(scaleDtype);
  if (scaleDtype == "none")
    scaleDtype.clear();

  QuantizeOptions options;
  std::optional<QType> qtype = lookupWeightDtype(dtype);
  if (!qtype)
    return "Unsupported weight dtype '" + dtype + "'" +
           (dtype.empty() ? " (dtype is required)" : "") +
           ". Supported weight dtypes: " + supportedWeightDtypes();
  options.qtype = *qtype;

  if (qscheme == "symmetric")
    options.scheme = kernels::Scheme::Symmetric;
  else if (qscheme == "asymmetric")
    options.scheme = kernels::Scheme::Asymmetric;
  else
    return "Unsupported qscheme '" + qscheme +
           "'. Supported: symmetric, asymmetric";

  if (granularity == "per_tensor")
    options.granularity = Granularity::PerTensor;
  else if (granularity == "per_channel")
    options.granularity = Granularity::PerChannel;
  else if (granularity == "per_block")
    options.granularity = Granularity::PerBlock;
  else
    return "Unsupported granularity '" + granularity +
           "'. quantize_weights supports per_tensor, per_channel and per_block";

  bool fp = isFloat(*qtype);
  if (!fp && !scaleDtype.empty())
    return "scale_dtype must be None for integer dtype " + dtype + " (got '" +
           scaleDtype + "')";
  if (fp && options.scheme == kernels::Scheme::Asymmetric)
    return "Asymmetric quantization is not supported for FP dtype " + dtype +
           "; use symmetric";
  if (*qtype == QType::F4E2M1FN) {
    if (!scaleDtype.empty())
      return "scale_dtype must be None for FP4 dtype " + dtype +
             ": its scale is always stored as fp8_e8m0fnu (got '" + scaleDtype +
             "')";
    if (options.granularity != Granularity::PerBlock || blockSize != 32)
      return "DType.FP4_E2M1FN requires "
             "granularity=CompressionGranularity.PER_BLOCK and block_size=32 "
             "(got granularity=" +
             granularity + ", block_size=" + std::to_string(blockSize) + ")";
  }
  if (fp && !scaleDtype.empty() && scaleDtype != "fp8_e8m0fnu")
    return "Invalid scale_dtype '" + scaleDtype + "' for FP dtype " + dtype +
           ": use None (the weight's type) or fp8_e8m0fnu";
  if (options.granularity == Granularity::PerBlock && blockSize <= 0)
    return "block_size must be positive with granularity=per_block (got " +
           std::to_string(blockSize) + ")";
  constexpr int64_t kMaxBlockSize = (int64_t(1) << 31) - 1;
  if (options.granularity == Granularity::PerBlock && blockSize > kMaxBlockSize)
    return "block_size is too large (got " + std::to_string(blockSize) +
           ", at most " + std::to_string(kMaxBlockSize) + ")";
  if (weightNumThreshold < 0)
    return "weight_num_threshold must be non-negative (got " +
           std::to_string(weightNumThreshold) + ")";

  options.blockSize = blockSize;
  options.weightNumThreshold = weightNumThreshold;
  options.e8m0Scale = *qtype == QType::F4E2M1FN || scaleDtype == "fp8_e8m0fnu";
  return options;
}

} // namespace coreai

//===- CompressionOptions.cpp - options of the weight transforms ----------===//

#include "coreai/Dialect/CoreAI/Transforms/CompressionOptions.h"

#include <algorithm>
#include <cctype>
#include <iterator>
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

/// The LUT types of palettize-weights, in the order the reference lists them.
constexpr std::pair<const char *, QType> kLutDtypes[] = {
    {"fp8_e4m3fn", QType::F8E4M3FN},
    {"fp8_e5m2", QType::F8E5M2},
    {"int8", QType::SI8},
    {"uint8", QType::UI8}};

constexpr int kPaletteBits[] = {1, 2, 3, 4, 6, 8};

constexpr std::pair<const char *, Granularity> kPaletteGranularities[] = {
    {"per_channel", Granularity::PerChannel},
    {"per_grouped_channel", Granularity::PerGroupedChannel},
    {"per_tensor", Granularity::PerTensor}};

/// The quantized types of sparsify-weights' kept values (the reference's
/// order).
constexpr std::pair<const char *, QType> kSparseValueDtypes[] = {
    {"fp8_e4m3fn", QType::F8E4M3FN},
    {"fp8_e5m2", QType::F8E5M2},
    {"int8", QType::SI8},
    {"uint8", QType::UI8}};

bool isPaletteBits(int64_t bits) {
  return std::find(std::begin(kPaletteBits), std::end(kPaletteBits), bits) !=
         std::end(kPaletteBits);
}

std::string paletteBitsList() {
  std::string list;
  for (int bits : kPaletteBits)
    list += (list.empty() ? "" : ", ") + std::to_string(bits);
  return "[" + list + "]";
}

/// `['a', 'b', ...]` as Python prints a list of strings.
template <typename Table>
std::string pythonList(const Table &table) {
  std::string list;
  for (auto &entry : table)
    list += (list.empty() ? "'" : ", '") + std::string(entry.first) + "'";
  return "[" + list + "]";
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

std::variant<PalettizeOptions, std::string>
parsePalettizeOptions(const PalettizeOptionValues &values,
                      const ValueSpelling &spelling) {
  auto spell = [&](const char *option, const std::string &value) {
    return spelling ? spelling(option, value) : "'" + value + "'";
  };
  std::string lutDtype = normalize(values.lutDtype);
  std::string granularity = normalize(values.granularity);
  if (lutDtype == "none")
    lutDtype.clear();

  PalettizeOptions options;
  if (values.perChannelScale && values.clusterDim > 1)
    return std::string("`enable_per_channel_scale=True` is not supported with "
                       "`cluster_dim > 1`.");

  options.lutType.reset();
  if (!lutDtype.empty()) {
    for (auto &[name, type] : kLutDtypes)
      if (lutDtype == name)
        options.lutType = type;
    if (!options.lutType)
      return "`lut_dtype` must be one of " + pythonList(kLutDtypes) +
             " or None, got " + spell("lut_dtype", values.lutDtype) + ".";
  }

  if (!isPaletteBits(values.nBits))
    return "`n_bits` must be one of " + paletteBitsList() + ", got " +
           std::to_string(values.nBits) + ".";
  options.nBits = static_cast<int>(values.nBits);

  std::optional<Granularity> parsedGranularity;
  for (auto &[name, value] : kPaletteGranularities)
    if (granularity == name)
      parsedGranularity = value;
  if (!parsedGranularity)
    return "`granularity` must be one of " + pythonList(kPaletteGranularities) +
           ", got " + spell("granularity", values.granularity) + ".";
  options.granularity = *parsedGranularity;

  if (values.clusterDim < 1)
    return "`cluster_dim` must be at least 1, got " +
           std::to_string(values.clusterDim) + ".";
  if (options.granularity == Granularity::PerGroupedChannel &&
      values.groupSize < 0)
    return "`group_size` must be non-negative with "
           "granularity=per_grouped_channel, got " +
           std::to_string(values.groupSize) + ".";
  if (values.weightNumThreshold < 0)
    return "`weight_num_threshold` must be non-negative, got " +
           std::to_string(values.weightNumThreshold) + ".";

  options.groupSize = values.groupSize;
  options.clusterDim = values.clusterDim;
  options.perChannelScale = values.perChannelScale;
  options.weightNumThreshold = values.weightNumThreshold;
  return options;
}

std::variant<SparsifyOptions, std::string>
parseSparsifyOptions(const SparsifyOptionValues &values,
                     const ValueSpelling &spelling) {
  auto spell = [&](const char *option, const std::string &value) {
    return spelling ? spelling(option, value) : "'" + value + "'";
  };
  std::string quantizeDtype = normalize(values.quantizeDtype);
  if (quantizeDtype == "none")
    quantizeDtype.clear();

  SparsifyOptions options;
  if (values.targetSparsity && values.nmRatio)
    return std::string("`target_sparsity` and `n_m_ratio` cannot both be set.");
  if (!values.targetSparsity && !values.nmRatio)
    return std::string("One of `target_sparsity` or `n_m_ratio` must be set.");
  if (!quantizeDtype.empty() && values.palettizeBits)
    return std::string(
        "`quantize_dtype` and `palettize_nbits` cannot both be set.");
  options.quantizeType.reset();
  if (!quantizeDtype.empty()) {
    for (auto &[name, type] : kSparseValueDtypes)
      if (quantizeDtype == name)
        options.quantizeType = type;
    if (!options.quantizeType)
      return "Invalid quantize_dtype " +
             spell("quantize_dtype", values.quantizeDtype) +
             ". Valid quantize dtypes: " + pythonList(kSparseValueDtypes) + ".";
  }
  options.palettizeBits.reset();
  if (values.palettizeBits) {
    if (!isPaletteBits(*values.palettizeBits))
      return "Invalid palettize_nbits " +
             std::to_string(*values.palettizeBits) + ". Must be one of " +
             paletteBitsList() + ".";
    options.palettizeBits = static_cast<int>(*values.palettizeBits);
  }
  if (values.blockSize && *values.blockSize <= 1)
    return std::string("`block_size` must be greater than 1.");
  if (values.nmRatio) {
    auto [n, m] = *values.nmRatio;
    if (m <= 0)
      return "`n_m_ratio` requires m > 0, got m=" + std::to_string(m) + ".";
    if (n < 0 || n > m)
      return "`n_m_ratio` requires 0 <= n <= m, got n=" + std::to_string(n) +
             ", m=" + std::to_string(m) + ".";
  }
  if (values.targetSparsity &&
      !(*values.targetSparsity >= 0.0 && *values.targetSparsity <= 1.0))
    return "`target_sparsity` must be in [0, 1], got " +
           spell("target_sparsity", std::to_string(*values.targetSparsity)) +
           ".";
  if (values.weightNumThreshold < 0)
    return "`weight_num_threshold` must be non-negative, got " +
           std::to_string(values.weightNumThreshold) + ".";

  options.kind = values.nmRatio     ? SparsityKind::NM
                 : values.blockSize ? SparsityKind::Block
                                    : SparsityKind::Unstructured;
  options.targetSparsity = values.targetSparsity.value_or(0.0);
  options.blockSize = values.blockSize.value_or(0);
  options.n = values.nmRatio ? values.nmRatio->first : 0;
  options.m = values.nmRatio ? values.nmRatio->second : 0;
  options.weightNumThreshold = values.weightNumThreshold;
  options.blockSizeIgnored = values.nmRatio && values.blockSize;
  return options;
}

} // namespace coreai

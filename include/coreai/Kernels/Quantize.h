//===- Quantize.h - MLIR-free blockwise weight quantization kernels -------===//
//
// Math contract: docs/spec/QUANTIZE_WEIGHTS.md ("The arithmetic").
// Everything is evaluated in float32 in the order written there; every
// implementation path (scalar reference, generic, AVX2, AVX-512) produces
// bit-identical data, scale and zero-point bytes.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_QUANTIZE_H
#define COREAI_KERNELS_QUANTIZE_H

#include "coreai/Kernels/Dispatch.h"

#include <cstddef>
#include <cstdint>

namespace coreai {
namespace kernels {

/// Weight element type (raw IEEE bits in memory, little-endian).
enum class SrcType { F32, F16, BF16 };
/// Quantized data type.
enum class QType { SI2, UI2, SI4, UI4, SI8, UI8, F4E2M1FN, F8E4M3FN, F8E5M2 };
/// Stored scale type.
enum class ScaleType { F32, F16, BF16, F8E8M0FNU };
enum class Scheme { Symmetric, Asymmetric };

struct QuantParams {
  QType qtype;
  Scheme scheme;
  ScaleType scaleType;
};

/// A weight of `shape` (row-major) split into blocks: blockShape[i] divides
/// shape[i] (1 <= blockShape[i] <= shape[i]). The scale grid has
/// shape[i]/blockShape[i] cells per dim (row-major). Rank 0 is one element.
struct BlockLayout {
  std::vector<int64_t> shape, blockShape;

  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  std::vector<int64_t> gridShape() const {
    std::vector<int64_t> g(shape.size());
    for (size_t i = 0; i < shape.size(); ++i)
      g[i] = blockShape[i] ? shape[i] / blockShape[i] : 0;
    return g;
  }
  int64_t numBlocks() const {
    int64_t n = 1;
    for (int64_t d : gridShape())
      n *= d;
    return n;
  }
  /// Shapes agree, every block dim is in [1, dim] and divides it.
  bool isValid() const;
};

enum class Status {
  Ok,
  NonFinite,      ///< NaN or Inf in the weight.
  Overflow,       ///< 2*amax overflows f32, or the scale overflows its type.
  InvalidArgument, ///< Bad layout, unsupported combination, null pointer.
  OutOfMemory      ///< A scratch buffer could not be allocated.
};

struct QuantResult {
  Status status;
  int64_t firstBadElement; ///< Flat index of the first NaN/Inf, -1 otherwise.
};

/// Digests (coreai/Kernels/Digest.h) of the data and scale blobs that
/// quantize() wrote, computed while it writes them where the layout allows.
struct OutputDigests {
  uint64_t data = 0, scale = 0;
};

/// 2-bit: ceil(n/4), 4-bit: ceil(n/2), 8-bit: n.
size_t packedDataBytes(QType, int64_t numElements);
/// f32: 4n, f16/bf16: 2n, e8m0: n.
size_t scaleBytes(ScaleType, int64_t numBlocks);

/// True for the combinations quantize() accepts: integer types with an
/// f32/f16/bf16 scale (either scheme); FP8 symmetric with any scale type;
/// FP4 symmetric with an E8M0FNU scale.
bool isValidParams(const QuantParams &);

/// True when every zero point is the same value (everything but Asymmetric);
/// splatZeroPointCode() is then that code (two's complement, data bit width).
bool isSplatZeroPoint(const QuantParams &);
uint8_t splatZeroPointCode(const QuantParams &);

/// Quantizes `src`. dataOut: packedDataBytes(qtype, numElements);
/// scaleOut: scaleBytes(scaleType, numBlocks) (little-endian, element type
/// scaleType); zeroPointOut: packedDataBytes(qtype, numBlocks), one per block
/// in the data type, packed like data, written for every scheme (may be
/// null). Padding bits of a last partial byte are zero. On a status other
/// than Ok the output contents are unspecified. With `digests`, also
/// returns the digests of dataOut and scaleOut (when the status is Ok).
QuantResult quantize(const void *src, SrcType, const BlockLayout &,
                     const QuantParams &, void *dataOut, void *scaleOut,
                     void *zeroPointOut, const ParallelFor &parallelFor,
                     OutputDigests *digests = nullptr);

//===----------------------------------------------------------------------===//
// Implementation paths (for tests and benchmarks).
//===----------------------------------------------------------------------===//

/// quantize() with an explicit path (Dispatch.h; no global state).
QuantResult quantizeWithIsa(Isa, const void *src, SrcType, const BlockLayout &,
                            const QuantParams &, void *dataOut, void *scaleOut,
                            void *zeroPointOut, const ParallelFor &parallelFor,
                            OutputDigests *digests = nullptr);

/// FP code of each f32 value after clipping to [-fmax, fmax] (exactly the
/// encoding step of quantize(); NaN input gives the NaN code where the type
/// has one, else the max code). Equals ml_dtypes' cast from float32 of the
/// clipped value. Used to cross-check with ml_dtypes. FP qtypes only: an
/// integer qtype returns Status::InvalidArgument and writes nothing.
[[nodiscard]] Status encodeFloatCodes(QType, const float *in, size_t n,
                                      uint8_t *codesOut);

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_QUANTIZE_H

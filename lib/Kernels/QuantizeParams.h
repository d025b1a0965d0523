//===- QuantizeParams.h - Per-block scales and zero points ------*- C++ -*-===//
//
// The scalar parameter math of docs/spec/QUANTIZE_WEIGHTS.md ("The
// arithmetic"): each block's stored scale (and asymmetric zero point) from
// its statistics. The fused kernels' params8() is this math eight blocks at
// a time.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_QUANTIZEPARAMS_H
#define COREAI_KERNELS_QUANTIZEPARAMS_H

#include "KernelsInternal.h"

namespace coreai {
namespace kernels {
namespace detail {

/// Why a block has no parameters (bit flags).
enum : int {
  kBadNonFinite = 1, // the block holds a NaN or an infinity
  kBadOverflow = 2,  // 2 * amax, or the scale in its stored type, overflows
};

/// What the parameter math needs to know about the quantization, and where
/// it writes the stored scales and zero points.
struct ParamContext {
  QuantParams params;
  QTypeInfo info;
  QuantKind kind;
  bool asymmetric;
  float fmaxMant; // FP types: fmax = fmaxMant * 2^fmaxExp, fmaxMant in [0.5, 1)
  int fmaxExp;
  uint32_t fmaxMantBits; // mantissa field of fmaxMant
  uint8_t *scaleOut;     // the whole scale blob
  uint8_t *zpCodes;      // asymmetric only: one code per block
  float splatZp;         // the zero point of the other schemes

  ParamContext(const QuantParams &p, void *scaleOut, uint8_t *zpCodes);
  /// The fused kernels' view of the same quantization.
  FusedArgs fusedArgs(uint8_t *dataOut) const;
};

/// Parameters of blocks [b0, b0+n) from their statistics (stats[0..n)).
/// Writes the stored scale bytes and zero-point codes at the blocks' global
/// positions, and the values to quantize with into scale[0..n) and zp[0..n).
/// Returns the kBad* flags of the blocks that have none (0 when all do).
int computeParams(const ParamContext &c, StatsPtrs stats, int64_t n,
                  int64_t b0, float *scale, float *zp);

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_QUANTIZEPARAMS_H

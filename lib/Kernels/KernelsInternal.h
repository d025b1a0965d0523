//===- KernelsInternal.h - Shared pieces of the fast paths ----------------===//
//
// Included by translation units compiled with different ISA flags: keep
// everything here `static inline` (internal linkage) and free of library
// templates, so no ISA-specific copy of a shared function can leak into
// another path at link time.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_INTERNAL_H
#define COREAI_KERNELS_INTERNAL_H

#include "coreai/Kernels/Packing.h"
#include "coreai/Kernels/Quantize.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace coreai {
namespace kernels {
namespace detail {

/// body(begin, end) over [0, n): split by `pf` when there is one and more
/// than one unit, else in one call. Defined in Dispatch.cpp (a translation
/// unit without ISA flags), declared here for the kernels that share it.
void runParallel(const ParallelFor &pf, size_t n,
                 const std::function<void(size_t, size_t)> &body);

/// body(first, count) over [0, total) cut into tasks of `chunk` items (the
/// last one shorter), the tasks split by `pf` as in runParallel.
template <class Body>
static inline void runChunks(const ParallelFor &pf, int64_t total, int64_t chunk,
                              const Body &body) {
  runParallel(pf, (size_t)((total + chunk - 1) / chunk),
              [&](size_t b, size_t e) {
                for (size_t u = b; u < e; ++u) {
                  const int64_t first = (int64_t)u * chunk;
                  body(first, total - first < chunk ? total - first : chunk);
                }
              });
}

static inline uint32_t f2u(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
static inline float u2f(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// Exact f16 -> f32 (branch-free; from the FP16 library's technique).
static inline float halfToFloat(uint16_t h) {
  const uint32_t w = (uint32_t)h << 16;
  const uint32_t sign = w & 0x80000000u;
  const uint32_t twoW = w + w;
  // Normal/Inf/NaN: shift exponent+mantissa into place, rebias by 2^-112.
  const float normalized = u2f((twoW >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
  // Subnormal: mantissa as the low bits of 0.5's mantissa, minus 0.5.
  const float denormalized = u2f((twoW >> 17) | (126u << 23)) - 0.5f;
  const uint32_t r =
      sign | (twoW < (1u << 27) ? f2u(denormalized) : f2u(normalized));
  return u2f(r);
}
static inline float bf16ToFloat(uint16_t h) { return u2f((uint32_t)h << 16); }

/// Exact f32 -> f16 bits, round to nearest even (FP16 library technique).
static inline uint16_t floatToHalf(float f) {
  float base = (std::fabs(f) * 0x1.0p+112f) * 0x1.0p-110f;
  const uint32_t w = f2u(f);
  const uint32_t shl1 = w + w;
  const uint32_t sign = w & 0x80000000u;
  uint32_t bias = shl1 & 0xFF000000u;
  if (bias < 0x71000000u)
    bias = 0x71000000u;
  base = u2f((bias >> 1) + 0x07800000u) + base;
  const uint32_t bits = f2u(base);
  const uint32_t expBits = (bits >> 13) & 0x00007C00u;
  const uint32_t mantBits = bits & 0x00000FFFu;
  const uint32_t nonsign = expBits + mantBits;
  return (uint16_t)((sign >> 16) | (shl1 > 0xFF000000u ? 0x7E00u : nonsign));
}

/// f32 -> bf16 bits, round to nearest even (finite inputs).
static inline uint16_t floatToBf16(float f) {
  uint32_t u = f2u(f);
  return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

static inline float loadSrc(const void *src, SrcType t, int64_t i) {
  switch (t) {
  case SrcType::F32: {
    float f;
    std::memcpy(&f, (const char *)src + 4 * i, 4);
    return f;
  }
  case SrcType::F16: {
    uint16_t h;
    std::memcpy(&h, (const char *)src + 2 * i, 2);
    return halfToFloat(h);
  }
  case SrcType::BF16: {
    uint16_t h;
    std::memcpy(&h, (const char *)src + 2 * i, 2);
    return bf16ToFloat(h);
  }
  }
  return 0.f;
}

static inline int srcElemSize(SrcType t) { return t == SrcType::F32 ? 4 : 2; }

/// Value of an FP code of a type described by `info` (NaN for NaN codes,
/// +-inf for e5m2's inf codes).
static inline double fpCodeValue(unsigned code, const QTypeInfo &info) {
  const int eb = info.bits - 1 - info.mantBits;
  const unsigned sign = code >> (info.bits - 1);
  const unsigned e = (code >> info.mantBits) & ((1u << eb) - 1);
  const unsigned m = code & ((1u << info.mantBits) - 1);
  const unsigned emax = (1u << eb) - 1;
  double v;
  if (info.bits == 8 && info.mantBits == 2 && e == emax) // e5m2 inf/nan
    v = m ? NAN : INFINITY;
  else if (info.bits == 8 && info.mantBits == 3 && e == emax &&
           m == 7) // e4m3fn NaN
    v = NAN;
  else if (e == 0)
    v = std::ldexp((double)m, 1 - info.expBias - info.mantBits);
  else
    v = std::ldexp((double)((1u << info.mantBits) + m),
                   (int)e - info.expBias - info.mantBits);
  return sign ? -v : v;
}

/// Round half to even, in the default (round-to-nearest-even) FP environment.
static inline float roundEven(float x) { return __builtin_nearbyintf(x); }

/// What the quantize step needs to know about the data type.
struct QuantKind {
  int bits;
  bool isFloat;
  // Integer: code = clip(round(w/scale) + zp, lo, hi) & mask.
  float lo, hi;
  uint32_t mask;
  // FP: code = encode(clip(w/scale, -fmax, fmax)).
  float fmax;
  int mantBits;           // mantissa bits of the FP type
  uint32_t minNormalBits; // f32 bits of the smallest normal of the FP type
  uint32_t rebias;        // (127 - bias) << mantBits
  float magic;            // f32 whose ulp is the FP type's subnormal step
};

static inline QuantKind makeQuantKind(QType t, Scheme s) {
  QTypeInfo info = qtypeInfo(t);
  QuantKind k{};
  k.bits = info.bits;
  k.isFloat = info.isFloat;
  k.mask = (1u << info.bits) - 1u;
  if (!info.isFloat) {
    k.lo = (float)info.qmin;
    k.hi = (float)info.qmax;
    if (s == Scheme::Symmetric) { // symmetric drops one code
      if (info.isSigned)
        k.lo += 1.f;
      else
        k.hi -= 1.f;
    }
  } else {
    k.fmax = info.fmax;
    k.mantBits = info.mantBits;
    k.minNormalBits = (uint32_t)(127 + 1 - info.expBias) << 23;
    k.rebias = (uint32_t)(127 - info.expBias) << info.mantBits;
    // Subnormal step is 2^(1 - bias - mantBits); ulp(2^e) = 2^(e-23).
    int e = 1 - info.expBias - info.mantBits + 23;
    k.magic = u2f((uint32_t)(127 + e) << 23);
  }
  return k;
}

/// FP code of x (sign kept, magnitude clipped to fmax) with round to nearest
/// even. Below the smallest normal, adding `magic` makes the FPU round to
/// the subnormal step; above, round the f32 mantissa bits directly.
static inline uint8_t encodeFp(float x, const QuantKind &k) {
  uint32_t bits = f2u(x);
  uint32_t sign = bits >> 31;
  float a = u2f(bits & 0x7fffffffu);
  if (!(a <= k.fmax)) // also maps NaN to fmax
    a = k.fmax;
  uint32_t ab = f2u(a);
  uint32_t code;
  if (ab < k.minNormalBits) {
    code = f2u(a + k.magic) - f2u(k.magic);
  } else {
    const uint32_t sh = 23 - (uint32_t)k.mantBits;
    code = ((ab + ((1u << (sh - 1)) - 1u) + ((ab >> sh) & 1u)) >> sh) - k.rebias;
  }
  return (uint8_t)(code | (sign << (k.bits - 1)));
}

/// Code of one element (the scalar form of every SIMD path; SIMD tails use it).
static inline uint8_t quantizeOne(float w, float scale, float zp,
                                  const QuantKind &k) {
  float y = w / scale; // a true division
  if (k.isFloat)
    return encodeFp(y, k); // encodeFp clips |y| to fmax
  float q = roundEven(y) + zp;
  q = q < k.lo ? k.lo : q;
  q = q > k.hi ? k.hi : q;
  return (uint8_t)((uint32_t)(int32_t)q & k.mask);
}

/// Per-block statistics. amaxBits: max over |w| bits (>= 0x7f800000 means a
/// NaN/Inf was seen). mn/mx: min(0, min w) and max(0, max w) (asymmetric
/// only; callers start them at 0).
struct StatsPtrs {
  uint32_t *amaxBits;
  float *mn; // null unless asymmetric
  float *mx;
};

/// Everything the fused (single pass, symmetric, 8- or 4-bit) kernels need
/// to compute per-block parameters and write the outputs; the parameter math
/// is computeParams()' (QuantizeParams.cpp), eight blocks at a time.
struct FusedArgs {
  QuantKind k;
  ScaleType scaleType;
  float denom;           // qmax - qmin (integers) or 2 * fmax (FP)
  float zp;              // splat zero point (unsigned symmetric), else 0
  int e8m0Bias;          // 126 + fmaxExp, fmax = fmaxMant * 2^fmaxExp
  uint32_t fmaxMantBits; // mantissa field of fmaxMant
  uint8_t *data;         // whole packed data blob
  uint8_t *scaleOut;     // whole scale blob
};

/// The per-path kernels. All element offsets/counts are in elements.
struct KernelTable {
  /// For g in [0, nGroups): fold the R contiguous elements starting at
  /// src[off + g*R] into stats[g].
  void (*statsGroups)(const void *src, SrcType st, int64_t off, int64_t R,
                      int64_t nGroups, StatsPtrs stats);
  /// R == 1: fold src[off + c] into stats[c] for c in [0, n).
  void (*statsColumns)(const void *src, SrcType st, int64_t off, int64_t n,
                       StatsPtrs stats);
  /// Codes (masked to the bit width) of src[off .. off+n); element i belongs
  /// to group (phase + i) / R, whose scale/zp are scale[g], zp[g].
  void (*quantizeSegment)(const void *src, SrcType st, int64_t off, int64_t n,
                          int64_t R, int64_t phase, const float *scale,
                          const float *zp, const QuantKind &k, uint8_t *codes);
  /// Optional (null when the path has none). Fused stats + parameters +
  /// quantize + pack of blocks [g0, g0+n), block g being the R contiguous
  /// elements from g*R (R % 32 == 0). Returns nonzero (and may stop early)
  /// when a block has a NaN/Inf, 2*amax overflows or the scale overflows.
  int (*fusedGroups)(const void *src, SrcType st, int64_t g0, int64_t n,
                     int64_t R, const FusedArgs &a);
  /// Optional. Blocks of K rows x 1 column of a [*, S] matrix: the blocks of
  /// block row br, columns [c0, c0+n) (c0 % 32 == 0, S*bits % 8 == 0).
  /// Same return value as fusedGroups.
  int (*fusedColumns)(const void *src, SrcType st, int64_t S, int64_t K,
                      int64_t br, int64_t c0, int64_t n, const FusedArgs &a);
  /// Optional, with fusedColumns. Parameters of blocks [b0, b0+n) from
  /// their amax bits (amaxBits[i] is block b0+i): writes their scale bytes
  /// and what to quantize with into q[0..n) (see fused::params8). Same
  /// return value as fusedGroups.
  int (*fusedParams)(const uint32_t *amaxBits, int64_t n, int64_t b0,
                     float *q, const FusedArgs &a);
  /// Optional, with fusedColumns. Quantize + pack src[off .. off+n) (off
  /// byte aligned), element off+j with q[j] from fusedParams.
  void (*fusedQuantize)(const void *src, SrcType st, int64_t off, int64_t n,
                        const float *q, const FusedArgs &a);
};

// Scalar folding helpers shared by the generic path and SIMD tails.
static inline void foldOne(float w, uint32_t &amax, float &mn, float &mx) {
  uint32_t a = f2u(w) & 0x7fffffffu;
  amax = a > amax ? a : amax;
  mn = w < mn ? w : mn;
  mx = w > mx ? w : mx;
}

const KernelTable *genericKernels();
const KernelTable *avx2Kernels();   // null when not compiled in
const KernelTable *avx512Kernels(); // null when not compiled in

/// The scalar reference implementation (Reference.cpp).
QuantResult quantizeReference(const void *src, SrcType, const BlockLayout &,
                              const QuantParams &, void *dataOut,
                              void *scaleOut, void *zeroPointOut);

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_INTERNAL_H

//===- FusedKernels.h - Single-pass symmetric 8/4-bit kernels ---*- C++ -*-===//
//
// The fused kernels of the SIMD paths (see KernelTable): statistics,
// per-block parameters, quantization and packing of a run of blocks in one
// sweep, with the parameters of eight blocks computed at once in vector
// registers and the codes packed in registers (no staging buffer). 256-bit
// (AVX2 + FMA + F16C) code, shared by the AVX2 and AVX-512 paths.
//
// Bit-exactness: amax is a max of |w| bits (exact); the parameter math is
// computeParams()' in the same f32 operations (F16C's RNE conversion equals
// floatToHalf()); w / scale is a true division, except for E8M0 scales where
// w * 2^-e is the same correctly rounded real w / 2^e (2^-e is exact).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_FUSEDKERNELS_H
#define COREAI_KERNELS_FUSEDKERNELS_H

#include "Avx2Vec.h"
#include "KernelsInternal.h"
#include "SimdKernels.h"

#include <cstring>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

namespace fused {

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/// 8 lanes of f32 from element i of src.
template <SrcType ST> static inline __m256 ld8(const void *src, int64_t i) {
  if (ST == SrcType::F32)
    return _mm256_loadu_ps((const float *)src + i);
  const __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)src + i));
  if (ST == SrcType::F16)
    return _mm256_cvtph_ps(h);
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

/// Running max of |w| over 32 elements from i, in the source's bit domain:
/// f32 bits for f32 (8 lanes), 16-bit |h| for f16/bf16 (16 lanes). For
/// non-negative IEEE values the bit patterns order like the values (NaN/Inf
/// above every finite value), so the max is exact without converting.
template <SrcType ST>
static inline __m256i absMax32(const void *src, int64_t i, __m256i acc) {
  if (ST == SrcType::F32) {
    const __m256i m = _mm256_set1_epi32(0x7fffffff);
    const float *p = (const float *)src + i;
    __m256i a0 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)p), m);
    __m256i a1 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 8)), m);
    __m256i a2 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 16)), m);
    __m256i a3 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 24)), m);
    return _mm256_max_epi32(acc, _mm256_max_epi32(_mm256_max_epi32(a0, a1),
                                                  _mm256_max_epi32(a2, a3)));
  }
  const __m256i m = _mm256_set1_epi16(0x7fff);
  const uint16_t *p = (const uint16_t *)src + i;
  __m256i a0 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)p), m);
  __m256i a1 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 16)), m);
  return _mm256_max_epu16(acc, _mm256_max_epu16(a0, a1));
}

/// Bytes ahead of the statistics sweep to prefetch: the hardware prefetcher
/// alone leaves a thread short of memory bandwidth (measured: 10-25% faster
/// with 8 KiB, no gain beyond).
constexpr int64_t kPrefetchAhead = 8192;

/// Prefetches the cache lines kPrefetchAhead bytes after the 32 elements
/// from i (a hint: never faults, even past the end of src).
template <SrcType ST>
static inline void prefetch32(const void *src, int64_t i) {
  const char *p = (const char *)src + i * (ST == SrcType::F32 ? 4 : 2) +
                  kPrefetchAhead;
  _mm_prefetch(p, _MM_HINT_T0);
  if (ST == SrcType::F32)
    _mm_prefetch(p + 64, _MM_HINT_T0);
}

/// 16-bit lanes -> max of each pair in 32-bit lanes (f16/bf16 domain).
template <SrcType ST> static inline __m256i to32(__m256i a) {
  if (ST == SrcType::F32)
    return a;
  return _mm256_and_si256(_mm256_max_epu16(a, _mm256_srli_epi32(a, 16)),
                          _mm256_set1_epi32(0xffff));
}

/// Lane j of the result = max over the lanes of a[j] (non-negative int32).
static inline __m256i hmax8x8(const __m256i *a) {
  __m256i t[4];
  for (int j = 0; j < 4; ++j) // [max(x0,x2) max(y0,y2) max(x1,x3) max(y1,y3)]
    t[j] = _mm256_max_epi32(_mm256_unpacklo_epi32(a[2 * j], a[2 * j + 1]),
                            _mm256_unpackhi_epi32(a[2 * j], a[2 * j + 1]));
  __m256i u0 = _mm256_max_epi32(_mm256_unpacklo_epi64(t[0], t[1]),
                                _mm256_unpackhi_epi64(t[0], t[1]));
  __m256i u1 = _mm256_max_epi32(_mm256_unpacklo_epi64(t[2], t[3]),
                                _mm256_unpackhi_epi64(t[2], t[3]));
  // u0 = [a0 a1 a2 a3 | a0 a1 a2 a3] (each 128-bit half reduced), u1 likewise.
  return _mm256_max_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),
                          _mm256_permute2x128_si256(u0, u1, 0x31));
}

/// amax lanes (source bit domain, 32-bit lanes) -> f32 bits.
template <SrcType ST> static inline __m256i amaxToF32Bits(__m256i a) {
  if (ST == SrcType::F32)
    return a;
  if (ST == SrcType::BF16)
    return _mm256_slli_epi32(a, 16);
  __m128i h = _mm_packus_epi32(_mm256_castsi256_si128(a),
                               _mm256_extracti128_si256(a, 1));
  return _mm256_castps_si256(_mm256_cvtph_ps(h));
}

/// Parameters of 8 blocks (lane j = block j) from their amax bits; the math
/// of computeParams() for symmetric schemes. Stores the stored-scale bytes of
/// the 8 blocks at `out` and returns what to quantize with in *q: the stored
/// scale (divide by it), or for E8M0 its exact reciprocal (multiply). Returns
/// the mask of failing lanes (NaN/Inf, 2*amax or scale overflow).
__attribute__((always_inline)) static inline int params8(__m256i ab, const FusedArgs &a, __m256 *q,
                          uint8_t *out) {
  // amax >= 2^127: 2*amax overflows (also catches NaN/Inf).
  int bad = _mm256_movemask_ps(_mm256_castsi256_ps(
      _mm256_cmpgt_epi32(ab, _mm256_set1_epi32(0x7effffff))));
  const __m256 amax = _mm256_castsi256_ps(ab);
  if (a.scaleType == ScaleType::F8E8M0FNU) {
    // e = E - 126 - fmaxExp + (mantissa > fmaxMant's); zero/subnormal amax
    // give e <= -128 (fmaxExp >= 3), clamped to -127 like the scalar path.
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(ab, 23),
                                 _mm256_set1_epi32(a.e8m0Bias));
    __m256i gt = _mm256_cmpgt_epi32(
        _mm256_and_si256(ab, _mm256_set1_epi32(0x7fffff)),
        _mm256_set1_epi32((int)a.fmaxMantBits));
    e = _mm256_sub_epi32(e, gt); // gt is -1 where greater
    e = _mm256_min_epi32(_mm256_max_epi32(e, _mm256_set1_epi32(-127)),
                         _mm256_set1_epi32(127));
    __m256i biased = _mm256_add_epi32(e, _mm256_set1_epi32(127));
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(biased),
                                 _mm256_extracti128_si256(biased, 1));
    _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(w, w));
    // 2^-e: (127 - e) << 23, except 2^-127 (e == 127), an f32 subnormal.
    __m256i inv = _mm256_slli_epi32(
        _mm256_sub_epi32(_mm256_set1_epi32(127), e), 23);
    inv = _mm256_blendv_epi8(
        inv, _mm256_set1_epi32(0x00400000),
        _mm256_cmpeq_epi32(e, _mm256_set1_epi32(127)));
    *q = _mm256_castsi256_ps(inv);
    return bad;
  }
  __m256 s = _mm256_div_ps(
      _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(2.f), amax),
                    _mm256_set1_ps(1e-6f)),
      _mm256_set1_ps(a.denom));
  if (a.scaleType == ScaleType::F32) {
    s = _mm256_max_ps(s, _mm256_set1_ps(0x1p-126f)); // s is never NaN here
    _mm256_storeu_ps((float *)out, s);
  } else if (a.scaleType == ScaleType::F16) {
    __m256i h = _mm256_cvtepu16_epi32(
        _mm256_cvtps_ph(s, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    __m256i ex = _mm256_and_si256(h, _mm256_set1_epi32(0x7c00));
    h = _mm256_blendv_epi8(h, _mm256_set1_epi32(0x0400),
                           _mm256_cmpeq_epi32(ex, _mm256_setzero_si256()));
    bad |= _mm256_movemask_ps(_mm256_castsi256_ps(
        _mm256_cmpeq_epi32(ex, _mm256_set1_epi32(0x7c00))));
    __m128i h16 = _mm_packus_epi32(_mm256_castsi256_si128(h),
                                   _mm256_extracti128_si256(h, 1));
    _mm_storeu_si128((__m128i *)out, h16);
    s = _mm256_cvtph_ps(h16);
  } else { // BF16, round to nearest even on the bits (s > 0, finite)
    __m256i u = _mm256_castps_si256(s);
    __m256i h = _mm256_srli_epi32(
        _mm256_add_epi32(
            _mm256_add_epi32(u, _mm256_set1_epi32(0x7fff)),
            _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1))),
        16);
    __m256i ex = _mm256_and_si256(h, _mm256_set1_epi32(0x7f80));
    h = _mm256_blendv_epi8(h, _mm256_set1_epi32(0x0080),
                           _mm256_cmpeq_epi32(ex, _mm256_setzero_si256()));
    bad |= _mm256_movemask_ps(_mm256_castsi256_ps(
        _mm256_cmpeq_epi32(ex, _mm256_set1_epi32(0x7f80))));
    _mm_storeu_si128((__m128i *)out,
                     _mm_packus_epi32(_mm256_castsi256_si128(h),
                                      _mm256_extracti128_si256(h, 1)));
    s = _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
  }
  *q = s;
  return bad;
}

/// Codes of 8 values (int32 lanes, masked to the bit width): quantizeVec of
/// the 256-bit traits. Mul: s is the exact reciprocal of a power-of-two scale.
template <int Mode, bool Mul>
static inline __m256i quant8(__m256 x, __m256 s, const FusedArgs &fa) {
  return quantizeVec<Avx2Vec, Mode, Mul>(x, s, _mm256_set1_ps(fa.zp), fa.k);
}

/// Codes of 4 x 8 values as 32 bytes in element order.
static inline __m256i bytes32(__m256i q0, __m256i q1, __m256i q2, __m256i q3) {
  // Per 128-bit half: packs give [q0 q1 q2 q3] 4 bytes each, low half from
  // the low 4 lanes; reorder the dwords to q0lo q0hi q1lo q1hi ...
  __m256i p = _mm256_packus_epi16(_mm256_packus_epi32(q0, q1),
                                  _mm256_packus_epi32(q2, q3));
  return _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/// Stores 32 codes (bytes, element order) packed to Bits at out.
template <int Bits> static inline void store32(uint8_t *out, __m256i b) {
  if (Bits == 8) {
    _mm256_storeu_si256((__m256i *)out, b);
    return;
  }
  // Element 2k in the low nibble: b[2k] * 1 + b[2k+1] * 16 per 16-bit lane.
  __m256i w = _mm256_maddubs_epi16(b, _mm256_set1_epi16(0x1001));
  _mm_storeu_si128((__m128i *)out,
                   _mm_packus_epi16(_mm256_castsi256_si128(w),
                                    _mm256_extracti128_si256(w, 1)));
}

/// Quantizes 32 elements from i of src with per-lane scales s0..s3 (one per
/// 8 elements) and stores them packed at out.
template <SrcType ST, int Mode, bool Mul, int Bits>
static inline void quant32(const void *src, int64_t i, __m256 s0, __m256 s1,
                           __m256 s2, __m256 s3, const FusedArgs &k,
                           uint8_t *out) {
  store32<Bits>(out, bytes32(quant8<Mode, Mul>(ld8<ST>(src, i), s0, k),
                             quant8<Mode, Mul>(ld8<ST>(src, i + 8), s1, k),
                             quant8<Mode, Mul>(ld8<ST>(src, i + 16), s2, k),
                             quant8<Mode, Mul>(ld8<ST>(src, i + 24), s3, k)));
}

static inline int scaleSize(ScaleType t) {
  return t == ScaleType::F32 ? 4 : t == ScaleType::F8E8M0FNU ? 1 : 2;
}

/// Blocks g .. g+nb (nb <= 8) of R contiguous elements: their amax, their
/// parameters at once, then quantize + pack (see groupsT).
template <SrcType ST, int Mode, bool Mul, int Bits>
__attribute__((always_inline)) static inline int
batchT(const void *src, int64_t g, int nb, int64_t R, const FusedArgs &k) {
  __m256i am[8];
  for (int j = 0; j < 8; ++j) {
    am[j] = _mm256_setzero_si256();
    if (j < nb) {
      __m256i acc = _mm256_setzero_si256();
      for (int64_t c = 0; c < R; c += 32) {
        prefetch32<ST>(src, (g + j) * R + c);
        acc = absMax32<ST>(src, (g + j) * R + c, acc);
      }
      am[j] = to32<ST>(acc);
    }
  }
  __m256 q;
  alignas(32) uint8_t sbytes[32];
  const __m256i amax = amaxToF32Bits<ST>(hmax8x8(am));
  if (params8(amax, k, &q, sbytes) & ((1 << nb) - 1))
    return 1;
  const int ssz = scaleSize(k.scaleType);
  std::memcpy(k.scaleOut + g * ssz, sbytes, (size_t)nb * ssz);
  for (int j = 0; j < nb; ++j) {
    const __m256 s = _mm256_permutevar8x32_ps(q, _mm256_set1_epi32(j));
    const int64_t base = (g + j) * R;
    uint8_t *out = k.data + base * Bits / 8;
    for (int64_t c = 0; c < R; c += 32)
      quant32<ST, Mode, Mul, Bits>(src, base + c, s, s, s, s, k,
                                   out + c * Bits / 8);
  }
  return 0;
}

/// Blocks of R contiguous elements (R % 32 == 0); RC = R when known at
/// compile time (32), else 0. Small blocks go eight at a time (a batch stays
/// in L1 for the second sweep), big ones one at a time.
template <SrcType ST, int Mode, bool Mul, int Bits, int RC>
static int groupsT(const void *src, int64_t g0, int64_t n, int64_t Rdyn,
                   const FusedArgs &a) {
  const int64_t R = RC ? RC : Rdyn;
  const int batch = R <= 256 ? 8 : 1;
  // A local copy: the code stores cannot alias it, so its fields stay in
  // registers across the loops.
  const FusedArgs k = a;
  int bad = 0;
  for (int64_t g = g0; g < g0 + n && !bad; g += batch) {
    const int nb = (int)min64(batch, g0 + n - g);
    // (A full batch gets its own copy, with nb a constant.)
    bad = nb == batch ? batchT<ST, Mode, Mul, Bits>(src, g, batch, R, k)
                      : batchT<ST, Mode, Mul, Bits>(src, g, nb, R, k);
  }
  return bad;
}

/// Parameters of n blocks from amaxBits (see KernelTable::fusedParams).
static int paramsRun(const uint32_t *amaxBits, int64_t n, int64_t b0,
                     float *q, const FusedArgs &a) {
  const int ssz = scaleSize(a.scaleType);
  for (int64_t c = 0; c < n; c += 8) {
    alignas(32) uint8_t sbytes[32];
    alignas(32) uint32_t am[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    alignas(32) float qv[8];
    const int nb = (int)min64(8, n - c);
    std::memcpy(am, amaxBits + c, (size_t)nb * 4); // lanes past n: amax 0
    __m256 qq;
    if (params8(_mm256_load_si256((const __m256i *)am), a, &qq, sbytes) &
        ((1 << nb) - 1))
      return 1;
    _mm256_store_ps(qv, qq);
    std::memcpy(q + c, qv, (size_t)nb * 4);
    std::memcpy(a.scaleOut + (b0 + c) * ssz, sbytes, (size_t)nb * ssz);
  }
  return 0;
}

/// Quantize + pack src[off .. off+n), element off+j with qs[j].
template <SrcType ST, int Mode, bool Mul, int Bits>
static void quantRow(const void *src, int64_t off, int64_t n, const float *qs,
                     const FusedArgs &k) {
  uint8_t *out = k.data + off * Bits / 8;
  int64_t c = 0;
  for (; c + 32 <= n; c += 32)
    quant32<ST, Mode, Mul, Bits>(src, off + c, _mm256_loadu_ps(qs + c),
                                 _mm256_loadu_ps(qs + c + 8),
                                 _mm256_loadu_ps(qs + c + 16),
                                 _mm256_loadu_ps(qs + c + 24), k,
                                 out + c * Bits / 8);
  if (c < n) { // tail: zero-padded copies, keep only the n - c codes
    alignas(32) float tail[32], tq[32];
    for (int j = 0; j < 32; ++j) {
      tail[j] = c + j < n ? loadSrc(src, ST, off + c + j) : 0.f;
      tq[j] = c + j < n ? qs[c + j] : 1.f;
    }
    alignas(32) uint8_t codes[32];
    quant32<SrcType::F32, Mode, Mul, Bits>(
        tail, 0, _mm256_load_ps(tq), _mm256_load_ps(tq + 8),
        _mm256_load_ps(tq + 16), _mm256_load_ps(tq + 24), k, codes);
    // A partial last 4-bit byte keeps its high nibble zero.
    uint8_t *o = out + c * Bits / 8;
    const int64_t whole = (n - c) * Bits / 8;
    std::memcpy(o, codes, (size_t)whole);
    if ((n - c) * Bits % 8)
      o[whole] = codes[whole] & 0x0f;
  }
}

/// Columns as blocks of K rows: see KernelTable::fusedColumns. Per chunk of
/// up to kCols columns: column maxima over the K rows (row by row, in L1),
/// parameters eight columns at a time, then quantize row by row.
template <SrcType ST, int Mode, bool Mul, int Bits>
static int columnsT(const void *src, int64_t S, int64_t K, int64_t br,
                    int64_t c0, int64_t n, const FusedArgs &a) {
  constexpr int64_t kCols = 1024;
  alignas(32) uint32_t amax[kCols];
  alignas(32) float qs[kCols];
  alignas(32) uint16_t amax16[kCols]; // f16/bf16: max of |h| bits
  for (int64_t cc = c0; cc < c0 + n; cc += kCols) {
    const int64_t m = min64(kCols, c0 + n - cc);
    const int64_t mv = m / 32 * 32; // vector part
    if (ST == SrcType::F32) {
      std::memset(amax, 0, sizeof(amax));
      for (int64_t t = 0; t < K; ++t) {
        const int64_t off = (br * K + t) * S + cc;
        int64_t c = 0;
        for (; c < mv; c += 8) {
          __m256i x = _mm256_and_si256(
              _mm256_castps_si256(ld8<ST>(src, off + c)),
              _mm256_set1_epi32(0x7fffffff));
          __m256i *p = (__m256i *)(amax + c);
          _mm256_store_si256(p, _mm256_max_epi32(_mm256_load_si256(p), x));
        }
        for (; c < m; ++c) {
          uint32_t x = f2u(loadSrc(src, ST, off + c)) & 0x7fffffffu;
          amax[c] = x > amax[c] ? x : amax[c];
        }
      }
    } else { // 16 columns per op on the raw bits, converted once at the end
      std::memset(amax16, 0, sizeof(amax16));
      for (int64_t t = 0; t < K; ++t) {
        const uint16_t *row = (const uint16_t *)src + (br * K + t) * S + cc;
        int64_t c = 0;
        for (; c < mv; c += 16) {
          __m256i x = _mm256_and_si256(
              _mm256_loadu_si256((const __m256i *)(row + c)),
              _mm256_set1_epi16(0x7fff));
          __m256i *p = (__m256i *)(amax16 + c);
          _mm256_store_si256(p, _mm256_max_epu16(_mm256_load_si256(p), x));
        }
        for (; c < m; ++c) {
          uint16_t x = row[c] & 0x7fff;
          amax16[c] = x > amax16[c] ? x : amax16[c];
        }
      }
      for (int64_t c = 0; c < m; c += 8)
        _mm256_store_si256(
            (__m256i *)(amax + c),
            amaxToF32Bits<ST>(_mm256_cvtepu16_epi32(
                _mm_load_si128((const __m128i *)(amax16 + c)))));
    }
    if (paramsRun(amax, m, br * S + cc, qs, a))
      return 1;
    for (int64_t t = 0; t < K; ++t)
      quantRow<ST, Mode, Mul, Bits>(src, (br * K + t) * S + cc, m, qs, a);
  }
  return 0;
}

/// Dispatch on (Mode, Mul, Bits): the combinations quantize() accepts.
template <template <SrcType, int, bool, int> class F, SrcType ST, class... A>
static int dispatchKind(const FusedArgs &a, A... args) {
  const bool mul = a.scaleType == ScaleType::F8E8M0FNU;
  if (!a.k.isFloat)
    return a.k.bits == 8 ? F<ST, 0, false, 8>::run(args..., a)
                         : F<ST, 0, false, 4>::run(args..., a);
  switch (a.k.mantBits) {
  case 3:
    return mul ? F<ST, 3, true, 8>::run(args..., a)
               : F<ST, 3, false, 8>::run(args..., a);
  case 2:
    return mul ? F<ST, 2, true, 8>::run(args..., a)
               : F<ST, 2, false, 8>::run(args..., a);
  default: // FP4 takes only E8M0 scales
    return F<ST, 1, true, 4>::run(args..., a);
  }
}

template <SrcType ST, int Mode, bool Mul, int Bits> struct GroupsF {
  static int run(const void *src, int64_t g0, int64_t n, int64_t R,
                 const FusedArgs &a) {
    return R == 32 ? groupsT<ST, Mode, Mul, Bits, 32>(src, g0, n, R, a)
                   : groupsT<ST, Mode, Mul, Bits, 0>(src, g0, n, R, a);
  }
};
template <SrcType ST, int Mode, bool Mul, int Bits> struct QuantizeF {
  static int run(const void *src, int64_t off, int64_t n, const float *q,
                 const FusedArgs &a) {
    quantRow<ST, Mode, Mul, Bits>(src, off, n, q, a);
    return 0;
  }
};
template <SrcType ST, int Mode, bool Mul, int Bits> struct ColumnsF {
  static int run(const void *src, int64_t S, int64_t K, int64_t br,
                 int64_t c0, int64_t n, const FusedArgs &a) {
    return columnsT<ST, Mode, Mul, Bits>(src, S, K, br, c0, n, a);
  }
};

} // namespace fused

static int fusedGroupsK(const void *src, SrcType st, int64_t g0, int64_t n,
                        int64_t R, const FusedArgs &a) {
  switch (st) {
  case SrcType::F32:
    return fused::dispatchKind<fused::GroupsF, SrcType::F32>(a, src, g0, n, R);
  case SrcType::F16:
    return fused::dispatchKind<fused::GroupsF, SrcType::F16>(a, src, g0, n, R);
  case SrcType::BF16:
    return fused::dispatchKind<fused::GroupsF, SrcType::BF16>(a, src, g0, n, R);
  }
  return 1;
}

static int fusedColumnsK(const void *src, SrcType st, int64_t S, int64_t K,
                         int64_t br, int64_t c0, int64_t n,
                         const FusedArgs &a) {
  switch (st) {
  case SrcType::F32:
    return fused::dispatchKind<fused::ColumnsF, SrcType::F32>(a, src, S, K, br,
                                                              c0, n);
  case SrcType::F16:
    return fused::dispatchKind<fused::ColumnsF, SrcType::F16>(a, src, S, K, br,
                                                              c0, n);
  case SrcType::BF16:
    return fused::dispatchKind<fused::ColumnsF, SrcType::BF16>(a, src, S, K,
                                                               br, c0, n);
  }
  return 1;
}

static int fusedParamsK(const uint32_t *amaxBits, int64_t n, int64_t b0,
                        float *q, const FusedArgs &a) {
  return fused::paramsRun(amaxBits, n, b0, q, a);
}

static void fusedQuantizeK(const void *src, SrcType st, int64_t off, int64_t n,
                           const float *q, const FusedArgs &a) {
  switch (st) {
  case SrcType::F32:
    fused::dispatchKind<fused::QuantizeF, SrcType::F32>(a, src, off, n, q);
    return;
  case SrcType::F16:
    fused::dispatchKind<fused::QuantizeF, SrcType::F16>(a, src, off, n, q);
    return;
  case SrcType::BF16:
    fused::dispatchKind<fused::QuantizeF, SrcType::BF16>(a, src, off, n, q);
    return;
  }
}

/// The kernel table of a SIMD path with vector traits V: its own statistics
/// and segment kernels, and the 256-bit fused kernels.
template <class V> KernelTable simdKernelTable() {
  return {statsGroupsK<V>, statsColumnsK<V>, quantizeSegmentK<V>,
          fusedGroupsK,    fusedColumnsK,    fusedParamsK,
          fusedQuantizeK};
}

} // namespace
} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_FUSEDKERNELS_H

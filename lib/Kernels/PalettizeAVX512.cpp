//===- PalettizeAVX512.cpp - AVX-512 palettization kernels ----------------===//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx2 -mfma -mf16c (see
// CMakeLists.txt); only called after a run-time CPU check. The arithmetic is
// rowScanGeneric()'s, lane by lane (no contraction: -ffp-contract=off).
//===----------------------------------------------------------------------===//
#include "PalettizeInternal.h"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

int64_t rowScan(const RowScanArgs &r, int64_t b, int64_t lo, int64_t hi,
                double *bestOut) {
  const __m512d Wb = _mm512_set1_pd(r.W[b]), S1b = _mm512_set1_pd(r.S1[b]),
                S2b = _mm512_set1_pd(r.S2[b]), inf = _mm512_set1_pd(INFINITY);
  double best = INFINITY;
  int64_t bi = hi;
  for (int64_t top = hi; top >= lo; top -= 8) {
    const int64_t base = top - 7;
    const int first = base < lo ? (int)(lo - base) : 0;
    const __mmask8 valid = (__mmask8)(0xffu << first);
    // Masked-off lanes are not read (no fault), and get W = 0, so that the
    // division stays harmless; their values are +inf.
    const __m512d W = _mm512_maskz_loadu_pd(valid, r.W + base);
    const __m512d S1 = _mm512_maskz_loadu_pd(valid, r.S1 + base);
    const __m512d S2 = _mm512_maskz_loadu_pd(valid, r.S2 + base);
    const __m512d Dp = _mm512_maskz_loadu_pd(valid, r.Dp + base);
    const __m512d s = _mm512_sub_pd(S1b, S1);
    const __m512d c = _mm512_sub_pd(
        _mm512_sub_pd(S2b, S2),
        _mm512_div_pd(_mm512_mul_pd(s, s), _mm512_sub_pd(Wb, W)));
    const __m512d v = _mm512_mask_blend_pd(valid, inf, _mm512_add_pd(Dp, c));
    // Minimum of the 8 lanes (halves, then pairs, then neighbours).
    __m512d t = _mm512_min_pd(v, _mm512_shuffle_f64x2(v, v, 0x4e));
    t = _mm512_min_pd(t, _mm512_shuffle_f64x2(t, t, 0xb1));
    t = _mm512_min_pd(t, _mm512_permute_pd(t, 0x55));
    const double m = _mm512_cvtsd_f64(t);
    const unsigned eq =
        _mm512_cmp_pd_mask(v, _mm512_set1_pd(m), _CMP_EQ_OQ) & valid;
    if (m <= best) {
      best = m;
      bi = base + __builtin_ctz(eq);
    }
    alignas(64) double cs[8];
    _mm512_store_pd(cs, c);
    if (cs[first] >= best)
      break;
  }
  *bestOut = best;
  return bi;
}

void assign(const void *src, SrcType st, int64_t e0, int64_t n,
            const NearestTable &t, uint8_t *out) {
  const __m512i idx =
      _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)t.idx16));
  const __m512 lo = _mm512_loadu_ps(t.lo);
  const __m512i last = _mm512_set1_epi32(t.r - 1);
  for (int64_t b = 0; b < n; b += 16) {
    const int len = (int)std::min<int64_t>(16, n - b);
    const __mmask16 m = (__mmask16)(len == 16 ? 0xffffu : (1u << len) - 1);
    const int64_t e = e0 + b;
    __m512 x;
    if (st == SrcType::F32) {
      // The weight streams from memory: ask ahead.
      _mm_prefetch((const char *)((const float *)src + e) + 2048, _MM_HINT_T0);
      x = _mm512_maskz_loadu_ps(m, (const float *)src + e);
    } else {
      const __m256i h = _mm256_maskz_loadu_epi16(m, (const uint16_t *)src + e);
      x = st == SrcType::F16 ? _mm512_cvtph_ps(h)
                             : _mm512_castsi512_ps(_mm512_slli_epi32(
                                   _mm512_cvtepu16_epi32(h), 16));
    }
    // Thresholds below x, by binary search over the 16 ascending lo[]
    // (+inf past r - 2, above every finite x).
    __m512i cnt = _mm512_setzero_si512();
    for (int h = 8; h >= 1; h >>= 1) {
      const __m512i probe = _mm512_add_epi32(cnt, _mm512_set1_epi32(h - 1));
      cnt = _mm512_mask_add_epi32(
          cnt,
          _mm512_cmp_ps_mask(x, _mm512_permutexvar_ps(probe, lo), _CMP_GT_OQ),
          cnt, _mm512_set1_epi32(h));
    }
    _mm512_mask_cvtepi32_storeu_epi8(out + b, m,
                                     _mm512_permutexvar_epi32(cnt, idx));
    // x on a threshold: the exact search decides.
    const unsigned tie =
        _mm512_cmp_ps_mask(x, _mm512_permutexvar_ps(cnt, lo), _CMP_EQ_OQ) &
        _mm512_cmplt_epi32_mask(cnt, last) & m;
    if (tie) {
      alignas(64) float xs[16];
      _mm512_store_ps(xs, x);
      for (unsigned tm = tie; tm; tm &= tm - 1) {
        const int l = __builtin_ctz(tm);
        out[b + l] = t.nearest((double)xs[l]);
      }
    }
  }
}

void solveLayer(const LayerArgs &l, int64_t lo, int64_t hi, int64_t alo,
                int64_t ahi) {
  solveLayerWith(rowScan, l, lo, hi, alo, ahi);
}

F32KeyBlock f32Keys(const uint32_t *u, int64_t n, uint32_t *key,
                    int32_t *off) {
  return f32GridKeys(u, n, key, off);
}

/// nearestTwoGeneric()'s results, lane by lane: the distances to 16
/// centroids in two vectors (lanes past k: +inf).
void nearestTwo(const float *x, const double *cs, int k, int cd, int &nearest,
                double &best, double &second) {
  if (k > 16)
    return nearestTwoGeneric(x, cs, k, cd, nearest, best, second);
  const __mmask8 m0 = (__mmask8)(k >= 8 ? 0xff : (1u << k) - 1);
  const __mmask8 m1 = (__mmask8)(k > 8 ? (1u << (k - 8)) - 1 : 0);
  __m512d d0 = _mm512_setzero_pd(), d1 = _mm512_setzero_pd();
  for (int t = 0; t < cd; ++t) {
    const __m512d xt = _mm512_set1_pd((double)x[t]);
    const __m512d e0 = _mm512_sub_pd(xt, _mm512_maskz_loadu_pd(m0, cs + t * k));
    const __m512d e1 =
        _mm512_sub_pd(xt, _mm512_maskz_loadu_pd(m1, cs + t * k + 8));
    d0 = _mm512_add_pd(d0, _mm512_mul_pd(e0, e0));
    d1 = _mm512_add_pd(d1, _mm512_mul_pd(e1, e1));
  }
  const __m512d inf = _mm512_set1_pd(INFINITY);
  d0 = _mm512_mask_blend_pd(m0, inf, d0);
  d1 = _mm512_mask_blend_pd(m1, inf, d1);
  best = _mm512_reduce_min_pd(_mm512_min_pd(d0, d1));
  const __m512d b = _mm512_set1_pd(best);
  const unsigned eq = _mm512_cmp_pd_mask(d0, b, _CMP_EQ_OQ) |
                      (unsigned)_mm512_cmp_pd_mask(d1, b, _CMP_EQ_OQ) << 8;
  nearest = eq ? __builtin_ctz(eq) : 0; // all +inf: 0
  if (nearest < 8)
    d0 = _mm512_mask_mov_pd(d0, (__mmask8)(1u << nearest), inf);
  else
    d1 = _mm512_mask_mov_pd(d1, (__mmask8)(1u << (nearest - 8)), inf);
  second = _mm512_reduce_min_pd(_mm512_min_pd(d0, d1));
}

/// nearestManyGeneric()'s results: eight vectors at a time, one per f64
/// lane, the centroids in index order (a strictly smaller distance wins, as
/// in the scalar loop).
void nearestMany(const float *xs, int64_t m, const double *cs, int k, int cd,
                 uint8_t *nearest) {
  if (k > 256 || cd > 16)
    return nearestManyGeneric(xs, m, cs, k, cd, nearest);
  const __m256i lane = _mm256_mullo_epi32(
      _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(cd));
  int64_t v = 0;
  for (; v + 8 <= m; v += 8) {
    __m512d x[16];
    for (int t = 0; t < cd; ++t)
      x[t] = _mm512_cvtps_pd(_mm256_i32gather_ps(xs + v * cd + t, lane, 4));
    __m512d best = _mm512_set1_pd(INFINITY);
    __m512i idx = _mm512_setzero_si512();
    for (int j = 0; j < k; ++j) {
      __m512d d = _mm512_setzero_pd();
      for (int t = 0; t < cd; ++t) {
        const __m512d e = _mm512_sub_pd(x[t], _mm512_set1_pd(cs[t * k + j]));
        d = _mm512_add_pd(d, _mm512_mul_pd(e, e));
      }
      const __mmask8 closer = _mm512_cmp_pd_mask(d, best, _CMP_LT_OQ);
      best = _mm512_mask_mov_pd(best, closer, d);
      idx = _mm512_mask_mov_epi64(idx, closer, _mm512_set1_epi64(j));
    }
    _mm_storel_epi64((__m128i *)(nearest + v), _mm512_cvtepi64_epi8(idx));
  }
  nearestManyGeneric(xs + v * cd, m - v, cs, k, cd, nearest + v);
}

const PaletteKernels kKernels = {solveLayer, assign, f32Keys, nearestTwo,
                                 nearestMany};

} // namespace

const PaletteKernels *paletteAVX512Kernels() { return &kKernels; }

} // namespace detail
} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
namespace detail {
const PaletteKernels *paletteAVX512Kernels() { return nullptr; }
} // namespace detail
} // namespace kernels
} // namespace coreai
#endif

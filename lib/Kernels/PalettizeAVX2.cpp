//===- PalettizeAVX2.cpp - AVX2 palettization kernels ---------------------===//
// Compiled with -mavx2 -mfma -mf16c (see CMakeLists.txt); only called after
// a run-time CPU check. The arithmetic is rowScanGeneric()'s, lane by lane
// (no contraction: -ffp-contract=off).
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"
#include "PalettizeInternal.h"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

int64_t rowScan(const RowScanArgs &r, int64_t b, int64_t lo, int64_t hi,
                double *bestOut) {
  const __m256d Wb = _mm256_set1_pd(r.W[b]), S1b = _mm256_set1_pd(r.S1[b]),
                S2b = _mm256_set1_pd(r.S2[b]), inf = _mm256_set1_pd(INFINITY);
  const __m256i laneIdx = _mm256_setr_epi64x(0, 1, 2, 3);
  double best = INFINITY;
  int64_t bi = hi;
  alignas(32) double vs[8], cs[8];
  for (int64_t top = hi; top >= lo; top -= 8) {
    const int64_t base = top - 7;
    const int first = base < lo ? (int)(lo - base) : 0;
    for (int h = 0; h < 2; ++h) {
      // Lanes 4h..4h+3; valid when 4h + lane >= first.
      const __m256i mask = _mm256_cmpgt_epi64(
          _mm256_add_epi64(laneIdx, _mm256_set1_epi64x(4 * h + 1)),
          _mm256_set1_epi64x(first));
      const int64_t off = base + 4 * h;
      const __m256d W = _mm256_maskload_pd(r.W + off, mask);
      const __m256d S1 = _mm256_maskload_pd(r.S1 + off, mask);
      const __m256d S2 = _mm256_maskload_pd(r.S2 + off, mask);
      const __m256d Dp = _mm256_maskload_pd(r.Dp + off, mask);
      const __m256d s = _mm256_sub_pd(S1b, S1);
      const __m256d c = _mm256_sub_pd(
          _mm256_sub_pd(S2b, S2),
          _mm256_div_pd(_mm256_mul_pd(s, s), _mm256_sub_pd(Wb, W)));
      const __m256d v = _mm256_blendv_pd(inf, _mm256_add_pd(Dp, c),
                                         _mm256_castsi256_pd(mask));
      _mm256_store_pd(vs + 4 * h, v);
      _mm256_store_pd(cs + 4 * h, c);
    }
    int lane = first;
    for (int l = first + 1; l < 8; ++l)
      if (vs[l] < vs[lane])
        lane = l;
    if (vs[lane] <= best) {
      best = vs[lane];
      bi = base + lane;
    }
    if (cs[first] >= best)
      break;
  }
  *bestOut = best;
  return bi;
}

void assign(const void *src, SrcType st, int64_t e0, int64_t n,
            const NearestTable &t, uint8_t *out) {
  const __m256i idxLo =
      _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)t.idx16));
  const __m256i idxHi =
      _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(t.idx16 + 8)));
  const __m256 loLo = _mm256_loadu_ps(t.lo), loHi = _mm256_loadu_ps(t.lo + 8);
  const __m256i seven = _mm256_set1_epi32(7), last = _mm256_set1_epi32(t.r - 1);
  int64_t b = 0;
  for (; b + 8 <= n; b += 8) {
    const int64_t e = e0 + b;
    __m256 x;
    if (st == SrcType::F32) {
      if (b % 16 == 0) // the weight streams from memory: ask ahead
        _mm_prefetch((const char *)((const float *)src + e) + 2048,
                     _MM_HINT_T0);
      x = _mm256_loadu_ps((const float *)src + e);
    } else {
      const __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)src + e));
      x = st == SrcType::F16 ? _mm256_cvtph_ps(h)
                             : _mm256_castsi256_ps(_mm256_slli_epi32(
                                   _mm256_cvtepu16_epi32(h), 16));
    }
    __m256i cnt = _mm256_setzero_si256();
    for (int j = 0; j + 1 < t.r; ++j)
      cnt = _mm256_sub_epi32(
          cnt, _mm256_castps_si256(
                   _mm256_cmp_ps(x, _mm256_set1_ps(t.lo[j]), _CMP_GT_OQ)));
    // 16-entry lookups: two 8-entry permutes, chosen by cnt > 7.
    const __m256i high = _mm256_cmpgt_epi32(cnt, seven);
    const __m256i c7 = _mm256_and_si256(cnt, seven);
    const __m256i id = _mm256_blendv_epi8(_mm256_permutevar8x32_epi32(idxLo, c7),
                                          _mm256_permutevar8x32_epi32(idxHi, c7),
                                          high);
    const __m256 loP = _mm256_blendv_ps(_mm256_permutevar8x32_ps(loLo, c7),
                                        _mm256_permutevar8x32_ps(loHi, c7),
                                        _mm256_castsi256_ps(high));
    const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(id),
                                       _mm256_extracti128_si256(id, 1));
    _mm_storel_epi64((__m128i *)(out + b), _mm_packus_epi16(w, w));
    // x on a threshold: the exact search decides.
    const int tie = _mm256_movemask_ps(_mm256_and_ps(
        _mm256_cmp_ps(x, loP, _CMP_EQ_OQ),
        _mm256_castsi256_ps(_mm256_cmpgt_epi32(last, cnt))));
    if (tie) {
      alignas(32) float xs[8];
      _mm256_store_ps(xs, x);
      for (unsigned tm = (unsigned)tie; tm; tm &= tm - 1) {
        const int l = __builtin_ctz(tm);
        out[b + l] = t.nearest((double)xs[l]);
      }
    }
  }
  for (; b < n; ++b) { // the last few, one at a time
    const float x = loadSrc(src, st, e0 + b);
    int p = 0;
    for (int j = 0; j + 1 < t.r; ++j)
      p += x > t.lo[j];
    out[b] = p + 1 < t.r && x == t.lo[p] ? t.nearest((double)x) : t.idx16[p];
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

const PaletteKernels kKernels = {solveLayer, assign, f32Keys,
                                 nearestTwoGeneric, nearestManyGeneric};

} // namespace

const PaletteKernels *paletteAVX2Kernels() { return &kKernels; }

} // namespace detail
} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
namespace detail {
const PaletteKernels *paletteAVX2Kernels() { return nullptr; }
} // namespace detail
} // namespace kernels
} // namespace coreai
#endif

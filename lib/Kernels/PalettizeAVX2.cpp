//===- PalettizeAVX2.cpp - AVX2 palettization kernels ---------------------===//
// Compiled with -mavx2 -mfma -mf16c (see CMakeLists.txt); only called after
// a run-time CPU check. The arithmetic is rowScanGeneric()'s, lane by lane
// (no contraction: -ffp-contract=off).
//===----------------------------------------------------------------------===//
#include "PalettizeInternal.h"

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

const PaletteKernels kKernels = {rowScan};

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

//===- PalettizeAVX512.cpp - AVX-512 palettization kernels ----------------===//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx2 -mfma -mf16c (see
// CMakeLists.txt); only called after a run-time CPU check. The arithmetic is
// rowScanGeneric()'s, lane by lane (no contraction: -ffp-contract=off).
//===----------------------------------------------------------------------===//
#include "PalettizeInternal.h"

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

const PaletteKernels kKernels = {rowScan};

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

//===- PalettizeGeneric.cpp - Portable palettization kernels --------------===//
//
// The portable versions of the vectorized pieces (PaletteKernels) and the
// choice of path. The x86 versions (PalettizeAVX2.cpp, PalettizeAVX512.cpp)
// compute exactly the same results.
//
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"
#include "PalettizeInternal.h"

#include <algorithm>
#include <cmath>

namespace coreai {
namespace kernels {
namespace detail {

int64_t rowScanGeneric(const RowScanArgs &r, int64_t b, int64_t lo,
                       int64_t hi, double *bestOut) {
  const double Wb = r.W[b], S1b = r.S1[b], S2b = r.S2[b];
  double best = INFINITY;
  int64_t bi = hi;
  for (int64_t top = hi; top >= lo; top -= 8) {
    const int64_t base = top - 7;
    const int first = base < lo ? (int)(lo - base) : 0; // lowest valid lane
    double val[8], cst[8];
    for (int l = 0; l < 8; ++l) {
      val[l] = INFINITY;
      cst[l] = 0;
      if (l < first)
        continue;
      const int64_t a = base + l;
      const double s = S1b - r.S1[a];
      cst[l] = (S2b - r.S2[a]) - s * s / (Wb - r.W[a]);
      val[l] = r.Dp[a] + cst[l];
    }
    int lane = first;
    for (int l = first + 1; l < 8; ++l)
      if (val[l] < val[lane])
        lane = l;
    if (val[lane] <= best) {
      best = val[lane];
      bi = base + lane;
    }
    if (cst[first] >= best)
      break;
  }
  *bestOut = best;
  return bi;
}

/// Indices of a run of elements against a table with r <= 16 (see
/// AssignFn), in blocks so that compilers vectorize the counting.
void assignGeneric(const void *src, SrcType st, int64_t e0, int64_t n,
                   const NearestTable &t, uint8_t *out) {
  constexpr int kBlock = 64;
  float x[kBlock];
  uint8_t cnt[kBlock];
  for (int64_t b = 0; b < n; b += kBlock) {
    const int len = (int)std::min<int64_t>(kBlock, n - b);
    for (int i = 0; i < len; ++i) {
      x[i] = loadSrc(src, st, e0 + b + i);
      cnt[i] = 0;
    }
    for (int j = 0; j + 1 < t.r; ++j) {
      const float lo = t.lo[j];
      for (int i = 0; i < len; ++i)
        cnt[i] += x[i] > lo;
    }
    for (int i = 0; i < len; ++i) {
      const int p = cnt[i];
      out[b + i] = p + 1 < t.r && x[i] == t.lo[p] ? t.nearest((double)x[i])
                                                  : t.idx16[p];
    }
  }
}

void nearestTwoGeneric(const float *x, const double *cs, int k, int cd,
                       int &nearest, double &best, double &second) {
  double d[256]; // k <= 256 (8-bit indices)
  for (int j = 0; j < k; ++j)
    d[j] = 0;
  for (int t = 0; t < cd; ++t) {
    const double xt = x[t];
    const double *c = cs + t * k;
    for (int j = 0; j < k; ++j) {
      const double e = xt - c[j];
      d[j] += e * e;
    }
  }
  best = INFINITY;
  second = INFINITY;
  nearest = 0;
  for (int j = 0; j < k; ++j) {
    if (d[j] < best) {
      second = best;
      best = d[j];
      nearest = j;
    } else if (d[j] < second) {
      second = d[j];
    }
  }
}

void nearestManyGeneric(const float *xs, int64_t m, const double *cs, int k,
                        int cd, uint8_t *nearest) {
  for (int64_t v = 0; v < m; ++v) {
    int j;
    double best, second;
    nearestTwoGeneric(xs + v * cd, cs, k, cd, j, best, second);
    nearest[v] = (uint8_t)j;
  }
}

namespace {
void solveLayerGeneric(const LayerArgs &l, int64_t lo, int64_t hi, int64_t alo,
                       int64_t ahi) {
  solveLayerWith(rowScanGeneric, l, lo, hi, alo, ahi);
}

F32KeyBlock f32KeysGeneric(const uint32_t *u, int64_t n, uint32_t *key,
                           int32_t *off) {
  return f32GridKeys(u, n, key, off);
}

const PaletteKernels kGenericPalette = {solveLayerGeneric, assignGeneric,
                                        f32KeysGeneric, nearestTwoGeneric,
                                        nearestManyGeneric};
} // namespace

const PaletteKernels *paletteKernelsFor(Isa isa) {
  const PaletteKernels *k = nullptr;
  if (isa == Isa::AVX512)
    k = paletteAVX512Kernels();
  else if (isa == Isa::AVX2)
    k = paletteAVX2Kernels();
  return k ? k : &kGenericPalette;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

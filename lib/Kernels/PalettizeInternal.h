//===- PalettizeInternal.h - Shared pieces of the palettization kernels ---===//
//
// Between Palettize.cpp (the driver), PalettizeKMeans.cpp (the clustering)
// and the ISA-specific files. Nothing here depends on the thread count.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_PALETTIZE_INTERNAL_H
#define COREAI_PALETTIZE_INTERNAL_H

#include "coreai/Kernels/Palettize.h"

#include <cstdint>
#include <vector>

namespace coreai {
namespace kernels {
namespace detail {

/// Ordered 22-bit key of q(x): keys compare as the grid values do, and +0 and
/// -0 share one key. gridKeyValue() is the grid value of a key.
static inline uint32_t gridKey(double x) {
  uint64_t b;
  __builtin_memcpy(&b, &x, 8);
  const uint64_t mag = b & 0x7fffffffffffffffull;
  // Round the 52-bit mantissa to 10 bits, half to even (may carry into the
  // exponent, which is the right result).
  const uint64_t r =
      (mag + ((1ull << 41) - 1) + ((mag >> 42) & 1)) >> 42; // < 2^21
  return (b >> 63) && r ? (uint32_t)((1u << 21) - r) : (uint32_t)((1u << 21) + r);
}
static inline double gridKeyValue(uint32_t key) {
  const bool neg = key < (1u << 21);
  const uint64_t r = neg ? (1u << 21) - key : key - (1u << 21);
  const uint64_t b = (r << 42) | (neg ? 0x8000000000000000ull : 0);
  double x;
  __builtin_memcpy(&x, &b, 8);
  return x;
}

/// Distinct grid values of a group, ascending, with their counts and the
/// f64 sum of the original x of each (summed in a fixed order).
struct GridPoints {
  std::vector<double> value, count, sumX;
  void clear() {
    value.clear();
    count.clear();
    sumX.clear();
  }
  size_t size() const { return value.size(); }
};

/// Reusable buffers of one worker.
struct SortScratch {
  std::vector<uint64_t> a, b;
};

/// Appends the grid points of x[0..n) to `out` (which is cleared first):
/// sorts (key, position) pairs, then sums each run in position order.
void gridPointsOf(const double *x, int64_t n, GridPoints &out,
                  SortScratch &scratch);

/// k-means over n vectors of dimension cd (row-major, f64), k <= n: the
/// centroids (k x cd) of the lowest-SSE start, and that SSE. Deterministic
/// (fixed-seed PRNG). `pf` (may be null) parallelizes the work on large
/// inputs without changing the result.
double vectorKMeans(const double *data, int64_t n, int cd, int k,
                    double *centroids, const ParallelFor *pf);

/// One row of the 1-D DP: prefix sums (mean-centred) and the previous layer.
struct RowScanArgs {
  const double *W, *S1, *S2; // W[a], S1[a], S2[a], a in [0, n]
  const double *Dp;          // previous layer: Dp[a] for the candidates
};

/// Min over a in [lo, hi] (lo <= hi) of Dp[a] + cost(a, b), cost(a, b) =
/// (S2[b] - S2[a]) - (S1[b] - S1[a])^2 / (W[b] - W[a]), evaluated in exactly
/// these f64 operations. Candidates go in blocks of 8 from the top (block i
/// is [hi - 8i - 7, hi - 8i], cut at lo); after each block the running
/// minimum (lowest a on ties) is updated, and the scan stops once the cost
/// of the block's lowest candidate reaches it. Every path implements these
/// exact semantics, so all give the same result. Returns the argmin and
/// writes the minimum to *best.
using RowScanFn = int64_t (*)(const RowScanArgs &, int64_t b, int64_t lo,
                              int64_t hi, double *best);

/// The vectorized pieces of palettization, per ISA path.
struct PaletteKernels {
  RowScanFn rowScan;
};
const PaletteKernels *paletteKernelsFor(Isa);
const PaletteKernels *paletteAVX2Kernels();   // null when not compiled in
const PaletteKernels *paletteAVX512Kernels(); // null when not compiled in

/// optimalKMeans1D() with the given kernels.
double optimalKMeans1DWith(const PaletteKernels &, const double *values,
                           const double *weights, int64_t n, int k,
                           int64_t *clusterStart);

/// Round half to even to a type's precision: `mantBits` stored mantissa
/// bits, `minExp` the exponent of the smallest normal, `maxFinite` the
/// largest finite value (beyond: +-inf). Exact for any finite double input.
double roundToPrecision(double d, int mantBits, int minExp, double maxFinite);

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_PALETTIZE_INTERNAL_H

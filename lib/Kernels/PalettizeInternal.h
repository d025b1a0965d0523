//===- PalettizeInternal.h - Shared pieces of the palettization kernels ---===//
//
// Between Palettize.cpp (the driver), PalettizeKMeans.cpp (the clustering)
// and the ISA-specific files. Nothing here depends on the thread count.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_PALETTIZE_INTERNAL_H
#define COREAI_PALETTIZE_INTERNAL_H

#include "coreai/Kernels/Palettize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace coreai {
namespace kernels {
namespace detail {

/// q(x) as a magnitude code and a sign: the f64 bits of |q(x)| >> 42 (21
/// bits, ordered as |q(x)|), 0 for +-0.
static inline uint32_t gridMagnitude(double x) {
  uint64_t b;
  __builtin_memcpy(&b, &x, 8);
  const uint64_t mag = b & 0x7fffffffffffffffull;
  // Round the 52-bit mantissa to 10 bits, half to even (may carry into the
  // exponent, which is the right result).
  return (uint32_t)((mag + ((1ull << 41) - 1) + ((mag >> 42) & 1)) >> 42);
}
static inline bool isNegative(double x) {
  uint64_t b;
  __builtin_memcpy(&b, &x, 8);
  return b >> 63;
}

/// Ordered 22-bit key of q(x): keys compare as the grid values do, and +0 and
/// -0 share one key (branch-free). gridKeyValue() is the grid value of a key.
static inline uint32_t gridKey(double x) {
  const uint32_t r = gridMagnitude(x);
  const uint32_t s = 0u - (uint32_t)isNegative(x); // all ones when negative
  return (1u << 21) + ((r ^ s) - s);
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

struct PaletteKernels;

/// k-means in f64 over n vectors of dimension cd (row-major; weight values,
/// exact in f32), k <= n: the centroids (k x cd) of the lowest-SSE start,
/// and that SSE. Deterministic (fixed-seed PRNG). `pf` (may be null)
/// parallelizes the work on large inputs without changing the result.
double vectorKMeans(const PaletteKernels &, const float *data, int64_t n,
                    int cd, int k, double *centroids, const ParallelFor *pf);

/// The squared distances (f64, each summed over the cd components in order)
/// from the f32 vector x to k centroids, given component-major (cs[t * k +
/// j]): the nearest (lowest index on ties) and the two smallest distances
/// (`second` is the smallest of the others; +inf when k == 1).
using NearestTwoFn = void (*)(const float *x, const double *cs, int k, int cd,
                              int &nearest, double &best, double &second);
void nearestTwoGeneric(const float *x, const double *cs, int k, int cd,
                       int &nearest, double &best, double &second);
/// The nearest of k centroids (as NearestTwoFn) to each of the m vectors
/// xs[0..m*cd) (row-major).
using NearestManyFn = void (*)(const float *xs, int64_t m, const double *cs,
                               int k, int cd, uint8_t *nearest);
void nearestManyGeneric(const float *xs, int64_t m, const double *cs, int k,
                        int cd, uint8_t *nearest);

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

/// One layer of the DP: its rows' minima D[b] and argmins opt[b], rows past
/// `cap` (beyond the optimal path) marked +inf and not followed.
struct LayerArgs {
  RowScanArgs scan;
  double *D;
  int32_t *opt;
  double cap;
};

/// Rows [lo, hi] of a layer with argmins in [alo, ahi] (the argmin is
/// monotone in the row), by divide and conquer: the middle row's argmin
/// splits the bracket of the rows left and right of it. The bracket never
/// empties: alo <= ahi, and alo is an argmin of a row left of lo, so alo <=
/// lo - 1. A row whose value exceeds the cap lies right of the optimal path
/// (rows up to it have exact, nondecreasing values below the cap), and so
/// does every row after it: those are marked +inf and not computed. The
/// recursion runs one level at a time: the middle rows of a level are
/// independent, so their (short, latency-bound) scans overlap in the
/// processor; each row gets the bracket the depth-first order would give.
using LayerFn = void (*)(const LayerArgs &, int64_t lo, int64_t hi,
                         int64_t alo, int64_t ahi);

/// LayerFn with a given row scan (a RowScanFn's semantics), which the
/// compiler inlines into the loop.
template <typename Scan>
static inline void solveLayerWith(const Scan &scan, const LayerArgs &l,
                                  int64_t lo, int64_t hi, int64_t alo,
                                  int64_t ahi) {
  struct Segment {
    int64_t lo, hi, alo, ahi;
  };
  std::vector<Segment> level{{lo, hi, alo, ahi}}, next;
  while (!level.empty()) {
    next.clear();
    for (const Segment &s : level) {
      const int64_t mid = s.lo + (s.hi - s.lo) / 2;
      double best;
      const int64_t bi =
          scan(l.scan, mid, s.alo, std::min(s.ahi, mid - 1), &best);
      l.D[mid] = best;
      l.opt[mid] = (int32_t)bi;
      if (mid > s.lo)
        next.push_back({s.lo, mid - 1, s.alo, bi});
      if (!(best <= l.cap)) {
        l.D[mid] = INFINITY; // past the optimal path, and so is the rest
        continue;
      }
      if (mid < s.hi)
        next.push_back({mid + 1, s.hi, bi, s.ahi});
    }
    std::swap(level, next);
  }
}

/// Nearest entry of one set (scalar LUTs): the distinct decoded values
/// ascending, each with its lowest index, and the midpoints between
/// neighbours (exact when the f64 sum is; otherwise the sign of its error).
struct NearestTable {
  int r = 0;                  // distinct values
  int steps = 0;              // binary search steps (padded size 2^steps)
  std::vector<double> mid;    // 2^steps - 1 midpoints, padded with +inf
  std::vector<int8_t> err;    // sign of (true sum - f64 sum) of each midpoint
  std::vector<uint8_t> idx;   // lowest index of each distinct value
  std::vector<uint8_t> tie;   // min(idx[t], idx[t+1])
  /// For x that are f32 values: lo[t] = the largest f32 <= mid[t] (+inf
  /// past r - 1), so that x > mid[t] exactly when x > lo[t], and x can only
  /// equal mid[t] when x == lo[t]. Used by the SIMD kernels (r <= 16).
  float lo[16];
  uint8_t idx16[16]; // idx, padded

  void build(const double *vals, int P) {
    std::vector<std::pair<double, int>> u;
    for (int j = 0; j < P; ++j)
      u.push_back({vals[j], j});
    std::sort(u.begin(), u.end());
    std::vector<std::pair<double, int>> uniq;
    for (auto &x : u)
      if (uniq.empty() || x.first != uniq.back().first)
        uniq.push_back(x);
    r = (int)uniq.size();
    steps = 0;
    while ((1 << steps) < r)
      ++steps;
    mid.assign((size_t)1 << steps, INFINITY);
    err.assign(mid.size(), 0);
    idx.resize(r);
    tie.resize(r);
    for (int t = 0; t < r; ++t) {
      idx[t] = (uint8_t)uniq[t].second;
      tie[t] = idx[t];
    }
    for (int t = 0; t + 1 < r; ++t) {
      const double a = uniq[t].first, b = uniq[t + 1].first;
      // TwoSum: s + e == a + b exactly.
      const double s = a + b, bb = s - a, e = (a - (s - bb)) + (b - bb);
      mid[t] = s * 0.5;
      err[t] = std::isfinite(s) ? (e > 0) - (e < 0) : 0;
      tie[t] = std::min(idx[t], idx[t + 1]);
    }
    for (int t = 0; t < 16; ++t) {
      idx16[t] = t < r ? idx[t] : 0;
      if (t + 1 >= r) {
        lo[t] = INFINITY;
        continue;
      }
      float f = (float)mid[t]; // nearest; step down when above
      if ((double)f > mid[t])
        f = std::nextafter(f, -INFINITY);
      lo[t] = f;
    }
  }

  /// Index of the entry nearest to x (ties to the lowest index).
  uint8_t nearest(double x) const {
    int p = 0;
    for (int h = 1 << (steps - 1); steps && h >= 1; h >>= 1)
      if (x > mid[p + h - 1])
        p += h;
    if (p + 1 < r && x == mid[p]) {
      // On the f64 midpoint: a tie when it is exact, else the side of the
      // true midpoint ((a + b)/2 = mid + err/2 with err's sign).
      if (err[p] == 0)
        return tie[p];
      return err[p] < 0 ? idx[p + 1] : idx[p];
    }
    return idx[p];
  }
};

/// Indices of the n elements from flat index e0 (values of type st), all
/// nearest to one table's entries (r <= 16 for the SIMD paths): counts the
/// thresholds below each value; an exact hit on a threshold goes through
/// NearestTable::nearest().
using AssignFn = void (*)(const void *src, SrcType st, int64_t e0, int64_t n,
                          const NearestTable &, uint8_t *out);

/// Keys of f32 values on the grid (the F32Grid of Palettize.cpp), from their
/// bits: the grid magnitude r of a normal f32 is its bits >> 13 rounded half
/// to even, and the key kF32KeyZero -+ r orders the values (+-0 share
/// kF32KeyZero). off is x's offset from its grid value g in units of
/// 2^(e-24) (e: g's exponent): the difference of the bits of |x| and |g|,
/// doubled when x has g's exponent (|off| <= 2^13).
constexpr uint32_t kF32KeyZero = 1u << 18;

/// Over a block of keys: the nonzero magnitudes lie in [rlo1 + 1, rhi]
/// (rlo1 = ~0u: none), and `odd` when some x is subnormal, NaN or Inf.
struct F32KeyBlock {
  uint32_t rlo1, rhi, odd;
};

/// The keys and offs of the f32 bits u[0..n): one plain loop, which each
/// path's file compiles (and vectorizes) for its instruction set.
static inline F32KeyBlock f32GridKeys(const uint32_t *u, int64_t n,
                                      uint32_t *key, int32_t *off) {
  uint32_t rlo1 = ~0u, rhi = 0, odd = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t mag = u[i] & 0x7fffffffu;
    odd |= (uint32_t)(mag - 1u < 0x7fffffu) | (uint32_t)(mag >= 0x7f800000u);
    const uint32_t r = (mag + 0xfffu + ((mag >> 13) & 1)) >> 13;
    const uint32_t g = r << 13; // bits of |grid value|
    const int32_t d = (int32_t)(mag - g);
    const int32_t same = 0 - (int32_t)((mag >> 23) == (g >> 23));
    const uint32_t neg = 0u - (u[i] >> 31);
    key[i] = kF32KeyZero + ((r ^ neg) - neg);
    off[i] = d + (d & same);
    rlo1 = std::min(rlo1, r - 1u); // zero: ~0u
    rhi = std::max(rhi, r);
  }
  return {rlo1, rhi, odd};
}
using F32KeysFn = F32KeyBlock (*)(const uint32_t *u, int64_t n, uint32_t *key,
                                  int32_t *off);

/// The vectorized pieces of palettization, per ISA path.
struct PaletteKernels {
  LayerFn solveLayer;    // solveLayerWith() on the path's row scan
  AssignFn assignSmall; // tables with r <= 16
  F32KeysFn f32Keys;    // f32GridKeys()
  NearestTwoFn nearestTwo;
  NearestManyFn nearestMany;
};
const PaletteKernels *paletteKernelsFor(Isa);
const PaletteKernels *paletteAVX2Kernels();   // null when not compiled in
const PaletteKernels *paletteAVX512Kernels(); // null when not compiled in

/// optimalKMeans1D() with the given kernels; `pf` (may be null) runs the
/// rows of each layer in parallel, with the same result.
double optimalKMeans1DWith(const PaletteKernels &, const double *values,
                           const double *weights, int64_t n, int k,
                           int64_t *clusterStart,
                           const ParallelFor *pf = nullptr);

/// Round half to even to a type's precision: `mantBits` stored mantissa
/// bits, `minExp` the exponent of the smallest normal, `maxFinite` the
/// largest finite value (beyond: +-inf). Exact for any finite double input.
double roundToPrecision(double d, int mantBits, int minExp, double maxFinite);

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_PALETTIZE_INTERNAL_H

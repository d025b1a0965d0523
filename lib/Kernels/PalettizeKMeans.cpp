//===- PalettizeKMeans.cpp - Clustering for palettization -----------------===//
//
// Scalar LUTs: the clustering grid q(x), the histogram of a group's grid
// values, and an optimal weighted 1-D k-means by dynamic programming
// (Grønlund et al. 2017; Wu 1991): D[m][b] = min_a D[m-1][a] + cost(a, b),
// the cost of points [a, b) from prefix sums of mean-centred values, each
// layer's row minima found by divide and conquer (the argmin is monotone in
// b). Two exact prunings keep it fast: candidates are scanned from the right
// and the scan stops once cost(a, b) alone reaches the best value (cost grows
// as a decreases, D >= 0); candidates whose D exceeds the cost of a known
// k-partition (from a few Lloyd steps) cannot be on an optimal path. The
// rows then solve a Monge matrix restricted to the remaining columns, whose
// row minima are still monotone, and every state of an optimal path keeps
// its exact value.
//
// Vector LUTs: k-means++ (greedy, 2 + ln k trials per centre) from a fixed
// PRNG, several starts, Lloyd iterations until no assignment changes or 300,
// empty clusters re-seeded with the farthest vector, the lowest-SSE start
// kept. Work on large inputs is cut into fixed chunks whose partial sums are
// combined in chunk order, so results never depend on the thread count.
//
//===----------------------------------------------------------------------===//
#include "PalettizeInternal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

double gridValue(double x) { return gridKeyValue(gridKey(x)); }

namespace detail {

double roundToPrecision(double d, int mantBits, int minExp, double maxFinite) {
  if (d == 0 || !std::isfinite(d))
    return d;
  int e = std::ilogb(d);
  if (e < minExp)
    e = minExp;
  const double q = std::ldexp(1.0, e - mantBits);
  const double r = std::nearbyint(d / q) * q; // d / q is exact
  if (std::fabs(r) > maxFinite)
    return std::copysign(INFINITY, d);
  return r;
}

//===----------------------------------------------------------------------===//
// Grid histogram
//===----------------------------------------------------------------------===//

void gridPointsOf(const double *x, int64_t n, GridPoints &out,
                  SortScratch &sc) {
  out.clear();
  if (n <= 0)
    return;
  // Items (key << 32 | position), sorted by key with positions in order
  // (stable LSD radix sort over the 22 key bits: two 11-bit digits).
  sc.a.resize(n);
  sc.b.resize(n);
  uint64_t *a = sc.a.data(), *b = sc.b.data();
  uint32_t c0[2048] = {}, c1[2048] = {};
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t key = gridKey(x[i]);
    a[i] = key << 32 | (uint64_t)i;
    ++c0[key & 2047];
    ++c1[key >> 11];
  }
  auto pass = [&](const uint32_t *cnt, int shift) {
    // A digit with one value everywhere needs no pass.
    for (int d = 0; d < 2048; ++d)
      if (cnt[d] == (uint32_t)n)
        return;
    uint32_t off[2048];
    uint32_t s = 0;
    for (int d = 0; d < 2048; ++d) {
      off[d] = s;
      s += cnt[d];
    }
    for (int64_t i = 0; i < n; ++i)
      b[off[(a[i] >> shift) & 2047]++] = a[i];
    std::swap(a, b);
  };
  pass(c0, 32);
  pass(c1, 43);
  // Runs of equal keys.
  int64_t i = 0;
  while (i < n) {
    const uint32_t key = (uint32_t)(a[i] >> 32);
    double s = 0;
    int64_t j = i;
    for (; j < n && (uint32_t)(a[j] >> 32) == key; ++j)
      s += x[(uint32_t)a[j]];
    out.value.push_back(gridKeyValue(key));
    out.count.push_back((double)(j - i));
    out.sumX.push_back(s);
    i = j;
  }
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Optimal 1-D k-means
//===----------------------------------------------------------------------===//

namespace {

struct Prefix {
  std::vector<double> W, S1, S2; // n + 1 entries, mean-centred values
  double cost(int64_t a, int64_t b) const {
    const double s = S1[b] - S1[a];
    return (S2[b] - S2[a]) - s * s / (W[b] - W[a]);
  }
};

/// A k-partition from Lloyd iterations (weighted quantiles first), as an
/// upper bound on the optimal cost. Returns its cost.
double lloydBound(const double *v, const Prefix &P, int64_t n, int k) {
  std::vector<int64_t> st(k + 1), nst(k + 1);
  const double total = P.W[n];
  for (int j = 0; j <= k; ++j) {
    // First point whose prefix weight reaches j/k of the total, kept
    // strictly increasing with room for the clusters after it.
    int64_t s = j == k ? n
                       : std::lower_bound(P.W.begin(), P.W.end(),
                                          total * j / k) -
                             P.W.begin();
    st[j] = s;
  }
  st[0] = 0;
  for (int j = 1; j < k; ++j)
    st[j] = std::min(std::max(st[j], st[j - 1] + 1), n - (k - j));
  auto costOf = [&](const std::vector<int64_t> &s) {
    double c = 0;
    for (int j = 0; j < k; ++j)
      c += std::max(0.0, P.cost(s[j], s[j + 1]));
    return c;
  };
  double best = costOf(st);
  std::vector<double> mean(k);
  for (int it = 0; it < 30; ++it) {
    for (int j = 0; j < k; ++j)
      mean[j] = (P.S1[st[j + 1]] - P.S1[st[j]]) / (P.W[st[j + 1]] - P.W[st[j]]);
    // New boundaries at the midpoints between neighbouring means (in the
    // mean-centred frame: v - mu; compare through the prefix frame).
    nst[0] = 0;
    nst[k] = n;
    const double mu = v[0] - (P.S1[1] / P.W[1]); // v[i] - u[i]
    bool ok = true;
    for (int j = 1; j < k; ++j) {
      const double mid = mu + 0.5 * (mean[j - 1] + mean[j]);
      nst[j] = std::upper_bound(v, v + n, mid) - v;
      if (nst[j] <= nst[j - 1] || nst[j] >= n) {
        ok = false;
        break;
      }
    }
    if (!ok || nst == st)
      break;
    st = nst;
    best = std::min(best, costOf(st));
  }
  return best;
}

/// Row minima of one DP layer (see optimalKMeans1D).
struct Solver {
  RowScanFn scan;
  RowScanArgs args;
  double *D;                 // this layer, D[b]
  int32_t *opt;              // argmins, opt[b]
  double cap;

  int64_t row(int64_t b, int64_t lo, int64_t hi) const {
    double best;
    const int64_t bi = scan(args, b, lo, hi, &best);
    D[b] = best;
    opt[b] = (int32_t)bi;
    return bi;
  }

  /// Rows [lo, hi] with argmins in [alo, ahi]. The bracket never empties:
  /// alo <= ahi, and alo is an argmin of a row left of lo, so alo <= lo - 1.
  void rows(int64_t lo, int64_t hi, int64_t alo, int64_t ahi) const {
    while (lo <= hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      const int64_t bi = row(mid, alo, std::min(ahi, mid - 1));
      if (!(D[mid] <= cap)) {
        // Past the optimal path: drop this row and everything right of it.
        D[mid] = INFINITY;
        hi = mid - 1;
        ahi = bi;
        continue;
      }
      rows(mid + 1, hi, bi, ahi);
      hi = mid - 1;
      ahi = bi;
    }
  }
};

} // namespace

double optimalKMeans1D(const double *v, const double *w, int64_t n, int k,
                       int64_t *start) {
  return optimalKMeans1DWith(*paletteKernelsFor(activeIsa()), v, w, n, k,
                             start);
}

namespace detail {

double optimalKMeans1DWith(const PaletteKernels &kernels, const double *v,
                           const double *w, int64_t n, int k, int64_t *start) {
  if (n <= 0 || k <= 0)
    return 0;
  if (k >= n) {
    for (int j = 0; j < k; ++j)
      start[j] = std::min<int64_t>(j, n);
    return 0;
  }
  Prefix P;
  P.W.assign(n + 1, 0);
  P.S1.assign(n + 1, 0);
  P.S2.assign(n + 1, 0);
  double tw = 0, tm = 0;
  for (int64_t i = 0; i < n; ++i) {
    tw += w[i];
    tm += w[i] * v[i];
  }
  const double mu = tm / tw;
  for (int64_t i = 0; i < n; ++i) {
    const double u = v[i] - mu;
    P.W[i + 1] = P.W[i] + w[i];
    P.S1[i + 1] = P.S1[i] + w[i] * u;
    P.S2[i + 1] = P.S2[i] + w[i] * u * u;
  }
  start[0] = 0;
  if (k == 1)
    return std::max(0.0, P.cost(0, n));

  // Candidates with D above the cost of a known k-partition (plus rounding
  // slack) are never on an optimal path.
  const double bound = lloydBound(v, P, n, k);
  const double cap = bound + 1e-12 * (std::fabs(bound) + P.S2[n]);

  // Layer m covers rows b in [m, last(m)], last(m) = n - (k - m); row b of
  // layer m is stored at b - m.
  auto last = [&](int m) { return n - (k - m); };
  std::vector<double> prev(last(1) + 1), cur(last(1) + 1);
  for (int64_t b = 1; b <= last(1); ++b)
    prev[b - 1] = P.cost(0, b);
  // opt[m] for m >= 2: the argmin a of each row, for backtracking.
  std::vector<std::vector<int32_t>> opt(k + 1);

  const double *W = P.W.data(), *S1 = P.S1.data(), *S2 = P.S2.data();
  for (int m = 2; m <= k; ++m) {
    const int64_t r0 = m == k ? n : m, r1 = last(m);
    const double *Dp = prev.data() - (m - 1); // Dp[a], a in [m-1, last(m-1)]
    // Candidates a in [m-1, aMax]: beyond aMax, D[m-1][a] > cap (D grows with
    // a), and a <= b - 1.
    int64_t aMax = last(m - 1);
    while (aMax > m - 1 && Dp[aMax] > cap)
      --aMax;
    std::vector<int32_t> &o = opt[m];
    o.assign(r1 - r0 + 1, 0);
    double *D = cur.data() - m;

    // Rows r0..r1 by divide and conquer (rows [lo, hi] have their argmins
    // in [alo, ahi]). A row whose value exceeds the cap lies right of the
    // optimal path's row of this layer (rows up to it have exact,
    // nondecreasing values below the cap), and so does every row after it:
    // those are marked unusable and not computed.
    for (int64_t b = r0; b <= r1; ++b)
      D[b] = INFINITY;
    // (The last layer's one row n is the optimum itself: never capped.)
    Solver sv{kernels.rowScan, {W, S1, S2, Dp}, D, o.data() - r0,
              m == k ? INFINITY : cap};
    sv.rows(r0, r1, m - 1, aMax);
    std::swap(prev, cur);
  }
  const double sse = std::max(0.0, prev[n - k]); // layer k: the one row n
  // Backtrack.
  int64_t b = n;
  for (int m = k; m >= 2; --m) {
    const int64_t r0 = m == k ? n : m;
    b = opt[m][b - r0];
    start[m - 1] = b;
  }
  return sse;
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Vector k-means
//===----------------------------------------------------------------------===//

namespace detail {
namespace {

/// splitmix64: small, fast and the same on every platform.
struct Prng {
  uint64_t s;
  uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return (double)(next() >> 11) * 0x1.0p-53; }
};

constexpr int64_t kChunk = 8192; // vectors per unit of parallel work

inline double dist2(const double *x, const double *c, int cd) {
  double s = 0;
  for (int t = 0; t < cd; ++t) {
    const double d = x[t] - c[t];
    s += d * d;
  }
  return s;
}

/// Squared distances from x to every centroid (centroid-major copy cs:
/// cs[t * k + j]), summed over t in order as dist2() does; the nearest
/// (lowest index on ties) and the two smallest values.
inline void nearestTwo(const double *x, const double *cs, int k, int cd,
                       double *d, int &bj, double &best, double &second) {
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
  bj = 0;
  for (int j = 0; j < k; ++j) {
    if (d[j] < best) {
      second = best;
      best = d[j];
      bj = j;
    } else if (d[j] < second) {
      second = d[j];
    }
  }
}

struct KMeansRun {
  const double *data;
  int64_t n;
  int cd, k;
  const ParallelFor *pf;

  int64_t chunks() const { return (n + kChunk - 1) / kChunk; }

  void forChunks(const std::function<void(int64_t, int64_t)> &body) const {
    const int64_t c = chunks();
    if (pf && *pf && c > 1)
      (*pf)((size_t)c, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u)
          body((int64_t)u * kChunk,
               std::min<int64_t>(n, (int64_t)(u + 1) * kChunk));
      });
    else
      for (int64_t u = 0; u < c; ++u)
        body(u * kChunk, std::min<int64_t>(n, (u + 1) * kChunk));
  }

  /// Sum of f(i) over all vectors: per chunk, then in chunk order.
  double sumInOrder(const std::function<double(int64_t)> &f) const {
    std::vector<double> part(chunks(), 0.0);
    forChunks([&](int64_t b, int64_t e) {
      double s = 0;
      for (int64_t i = b; i < e; ++i)
        s += f(i);
      part[b / kChunk] = s;
    });
    double s = 0;
    for (double x : part)
      s += x;
    return s;
  }

  /// Greedy k-means++ seeding: each centre is the best (lowest potential)
  /// of 2 + ln k candidates sampled with probability ~ D(x)^2.
  void seed(Prng &rng, double *cent) const {
    std::vector<double> d2(n), cand(n), cum(n);
    const int trials = 2 + (int)std::log((double)k);
    const int64_t first = (int64_t)(rng.next() % (uint64_t)n);
    std::memcpy(cent, data + first * cd, sizeof(double) * cd);
    forChunks([&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        d2[i] = dist2(data + i * cd, cent, cd);
    });
    for (int c = 1; c < k; ++c) {
      // Cumulative potential (sequential: the same order everywhere).
      double s = 0;
      for (int64_t i = 0; i < n; ++i) {
        s += d2[i];
        cum[i] = s;
      }
      int64_t bestIdx = -1;
      double bestPot = INFINITY;
      for (int t = 0; t < trials; ++t) {
        int64_t idx;
        if (s > 0) {
          const double r = rng.uniform() * s;
          idx = std::upper_bound(cum.begin(), cum.end(), r) - cum.begin();
          idx = std::min<int64_t>(idx, n - 1);
          while (idx > 0 && d2[idx] == 0) // never a point already at zero
            --idx;
        } else {
          idx = (int64_t)(rng.next() % (uint64_t)n);
        }
        const double *x = data + idx * cd;
        forChunks([&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i)
            cand[i] = std::min(d2[i], dist2(data + i * cd, x, cd));
        });
        const double p = sumInOrder([&](int64_t i) { return cand[i]; });
        if (p < bestPot) {
          bestPot = p;
          bestIdx = idx;
        }
      }
      const double *x = data + bestIdx * cd;
      std::memcpy(cent + c * cd, x, sizeof(double) * cd);
      forChunks([&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i)
          d2[i] = std::min(d2[i], dist2(data + i * cd, x, cd));
      });
    }
  }

  /// Centroids from per-chunk sums and counts (combined in chunk order):
  /// the means; an empty cluster gets the vector farthest from its centroid
  /// (then the next farthest, ...).
  void centroids(double *cent, const std::vector<int32_t> &lab,
                 const std::vector<double> &sums,
                 const std::vector<int64_t> &counts) const {
    std::vector<double> tot((size_t)k * cd, 0.0);
    std::vector<int64_t> cnt(k, 0);
    for (int64_t u = 0; u < chunks(); ++u)
      for (int j = 0; j < k; ++j) {
        cnt[j] += counts[u * k + j];
        for (int t = 0; t < cd; ++t)
          tot[j * cd + t] += sums[(u * k + j) * cd + t];
      }
    std::vector<double> far; // squared distance to the assigned centroid
    for (int j = 0; j < k; ++j) {
      if (cnt[j]) {
        for (int t = 0; t < cd; ++t)
          cent[j * cd + t] = tot[j * cd + t] / (double)cnt[j];
        continue;
      }
      if (far.empty()) {
        far.resize(n);
        forChunks([&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i)
            far[i] = dist2(data + i * cd, cent + lab[i] * cd, cd);
        });
      }
      int64_t f = 0;
      for (int64_t i = 1; i < n; ++i)
        if (far[i] > far[f])
          f = i;
      std::memcpy(cent + j * cd, data + f * cd, sizeof(double) * cd);
      far[f] = -1; // not chosen again for another empty cluster
    }
  }

  /// One start: seeding, then Lloyd (assign, update) until no assignment
  /// changes or 300 iterations. Assignments are those of a plain nearest-
  /// centroid search (lowest index on ties); a vector is only skipped when
  /// bounds prove its centroid is still strictly the nearest (Hamerly's
  /// bounds on distances, kept conservative by a relative margin far above
  /// the rounding of the bound updates). Each iteration is one pass over
  /// the vectors (bounds, assignment, per-chunk sums) and one update.
  /// Returns the SSE.
  double lloyd(uint64_t seedValue, double *cent) const {
    Prng rng{seedValue};
    seed(rng, cent);
    std::vector<int32_t> lab(n, 0);
    std::vector<double> up(n), lowb(n); // distance bounds (not squared)
    std::vector<double> cs((size_t)k * cd), old((size_t)k * cd), move(k, 0.0);
    const int64_t nc = chunks();
    std::vector<int64_t> changed(nc), counts((size_t)nc * k);
    std::vector<double> sums((size_t)nc * k * cd);
    double maxMove = 0;
    for (int it = 0; it < 300; ++it) {
      for (int j = 0; j < k; ++j)
        for (int t = 0; t < cd; ++t)
          cs[t * k + j] = cent[j * cd + t];
      const bool first = it == 0;
      forChunks([&](int64_t b, int64_t e) {
        const int64_t u = b / kChunk;
        double *sm = sums.data() + u * k * cd;
        int64_t *cn = counts.data() + u * k;
        std::fill(sm, sm + k * cd, 0.0);
        std::fill(cn, cn + k, 0);
        std::vector<double> d(k);
        int64_t ch = 0;
        for (int64_t i = b; i < e; ++i) {
          const double *x = data + i * cd;
          bool search = first;
          if (!first) {
            up[i] = (up[i] + move[lab[i]]) * (1 + 1e-12);
            lowb[i] = (lowb[i] - maxMove) * (1 - 1e-12);
            if (!(up[i] < lowb[i])) {
              // Tighten the upper bound with the exact distance first.
              up[i] = std::sqrt(dist2(x, cent + lab[i] * cd, cd)) * (1 + 1e-12);
              search = !(up[i] < lowb[i]);
            }
          }
          if (search) {
            int bj;
            double best, second;
            nearestTwo(x, cs.data(), k, cd, d.data(), bj, best, second);
            ch += first || bj != lab[i];
            lab[i] = bj;
            up[i] = std::sqrt(best) * (1 + 1e-12);
            lowb[i] = std::sqrt(second) * (1 - 1e-12);
          }
          const int j = lab[i];
          ++cn[j];
          for (int t = 0; t < cd; ++t)
            sm[j * cd + t] += x[t];
        }
        changed[u] = ch;
      });
      int64_t nChanged = 0;
      for (int64_t x : changed)
        nChanged += x;
      // The centroids become the means of this assignment: when it changed
      // nothing, they are unchanged and Lloyd has converged.
      std::memcpy(old.data(), cent, sizeof(double) * k * cd);
      centroids(cent, lab, sums, counts);
      if (nChanged == 0)
        break;
      maxMove = 0;
      for (int j = 0; j < k; ++j) {
        move[j] = std::sqrt(dist2(old.data() + j * cd, cent + j * cd, cd)) *
                  (1 + 1e-12);
        maxMove = std::max(maxMove, move[j]);
      }
    }
    return sumInOrder(
        [&](int64_t i) { return dist2(data + i * cd, cent + lab[i] * cd, cd); });
  }
};

} // namespace

double vectorKMeans(const double *data, int64_t n, int cd, int k,
                    double *centroids, const ParallelFor *pf) {
  KMeansRun run{data, n, cd, k, pf};
  // Starts: more on small inputs, where one start varies most (spec §5).
  const int starts = n <= 4096 ? 10 : n <= 65536 ? 4 : n <= (1 << 18) ? 2 : 1;
  std::vector<double> cent((size_t)k * cd);
  double best = INFINITY;
  for (int s = 0; s < starts; ++s) {
    const double sse = run.lloyd(0x5EEDull + (uint64_t)s, cent.data());
    if (sse < best) {
      best = sse;
      std::memcpy(centroids, cent.data(), sizeof(double) * k * cd);
    }
  }
  return best;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

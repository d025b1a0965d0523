//===- PalettizeKMeans.cpp - Clustering for palettization -----------------===//
//
// Scalar LUTs: the clustering grid q(x), the histogram of a group's grid
// values, and an optimal weighted 1-D k-means by dynamic programming
// (Grønlund et al. 2017; Wu 1991): D[m][b] = min_a D[m-1][a] + cost(a, b),
// the cost of points [a, b) from prefix sums of mean-centred values, each
// layer's row minima found by divide and conquer (the argmin is monotone in
// b). Exact prunings keep it fast: candidates are scanned from the right and
// the scan stops once cost(a, b) alone reaches the best value (cost grows as
// a decreases, D >= 0); candidates whose D exceeds the cost of a known
// k-partition (from a few Lloyd steps) cannot be on an optimal path, nor
// can a row whose value exceeds it, nor the rows right of it. The rows then
// solve a Monge matrix restricted to the remaining columns, whose row
// minima are still monotone, and every state of an optimal path keeps its
// exact value. The row scans are per-ISA kernels with identical results.
// From 32 clusters on, the Lagrangian relaxation (cost + lambda per cluster,
// solved in O(n log n) whatever k) is tried first: D_k is convex in k for
// this cost, so a lambda between its slopes around k gives an optimal
// k-partition; when a few steps on lambda do not find one, the layered
// programme runs.
//
// Vector LUTs: k-means++ (greedy, 2 + ln k trials per centre) from a fixed
// PRNG, several starts, Lloyd iterations until no assignment changes (on 2^17
// vectors and more: until at most one in 1000 does) or 300 (vectors
// skipped only when bounds prove they cannot change), empty
// clusters re-seeded with the farthest vector, the lowest-SSE start kept.
// Work on large inputs is cut into fixed chunks whose partial sums are
// combined in chunk order, so results never depend on the thread count.
//
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"
#include "PalettizeInternal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
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

/// From this many clusters on, try the Lagrangian relaxation first.
constexpr int kLagrangianMin = 32;

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

/// The Lagrangian relaxation: min over all partitions (any number of
/// clusters) of sum(cost + lambda). The argmin of each row is monotone
/// (Monge cost), so a queue of candidates with the rows where each takes
/// over (found by binary search) solves it in O(n log n) whatever k is. The
/// result is a partition with c clusters that is an optimal c-partition.
/// Returns c; `par` gives each prefix's last cluster start, `D` its cost
/// without the penalties.
int penalized(const Prefix &P, int64_t n, double lambda,
              std::vector<int32_t> &par, double &D) {
  std::vector<double> F(n + 1);
  std::vector<int32_t> cnt(n + 1);
  par.assign(n + 1, 0);
  const double *W = P.W.data(), *S1 = P.S1.data(), *S2 = P.S2.data();
  auto val = [&](int64_t a, int64_t j) {
    const double s = S1[j] - S1[a];
    return F[a] + ((S2[j] - S2[a]) - s * s / (W[j] - W[a]));
  };
  // Candidates (ascending) and the first row where each is the best.
  std::vector<int64_t> qa(n + 1), qs(n + 1);
  int64_t h = 0, t = 0;
  F[0] = 0;
  cnt[0] = 0;
  qa[t] = 0;
  qs[t++] = 1;
  for (int64_t b = 1; b <= n; ++b) {
    while (t - h >= 2 && qs[h + 1] <= b)
      ++h;
    const int64_t a = qa[h];
    F[b] = val(a, b) + lambda;
    cnt[b] = cnt[a] + 1;
    par[b] = (int32_t)a;
    if (b == n)
      break;
    // Candidate b (rows > b): drop the candidates it beats from their
    // first row on, then find where it overtakes the last one kept.
    while (t > h) {
      const int64_t c = qa[t - 1], r = std::max(qs[t - 1], b + 1);
      if (val(b, r) <= val(c, r))
        --t;
      else
        break;
    }
    if (t == h) {
      qa[t] = b;
      qs[t++] = b + 1;
      continue;
    }
    const int64_t c = qa[t - 1];
    int64_t lo = std::max(qs[t - 1], b + 1), hi = n; // b loses at lo
    if (!(val(b, hi) <= val(c, hi)))
      continue; // never better than c
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (val(b, mid) <= val(c, mid))
        hi = mid;
      else
        lo = mid;
    }
    qa[t] = b;
    qs[t++] = hi;
  }
  D = F[n] - lambda * cnt[n];
  return cnt[n];
}

/// Optimal k-partition through the relaxation, when a lambda gives exactly
/// k clusters (D_c is convex in c for this cost; lambda must lie between
/// its slopes on either side of k). Each solve gives an exact point (c,
/// D_c). The next lambda is the slope at k of D ~ A c^-p fitted through the
/// nearest points on either side (p = 2 while one side is unknown); after a
/// step that did not narrow them, the slope of the chord through them,
/// whose optimum lies strictly between them unless D is straight there.
/// False when that fails or after too many steps: the caller runs the
/// layered programme instead.
bool lagrangian(const Prefix &P, int64_t n, int k, double bound,
                int64_t *start, double &sse) {
  std::vector<int32_t> par;
  int cLo = 0, cHi = 0; // nearest solved c < k and c > k (0: none yet)
  double dLo = 0, dHi = 0;
  // First: the power law with p = 2 through the known k-partition's cost.
  double lambda = 2 * bound / k;
  bool chord = false; // this step's lambda is the chord's slope
  for (int step = 0; step < 16; ++step) {
    double D;
    const int c = penalized(P, n, lambda, par, D);
    if (c == k) {
      int64_t b = n;
      for (int j = k - 1; j >= 1; --j) {
        b = par[b];
        start[j] = b;
      }
      sse = std::max(0.0, D);
      return true;
    }
    const bool progress = c < k ? !cLo || c > cLo : !cHi || c < cHi;
    if (!progress && chord)
      return false; // D is straight between the bracketing points
    if (c < k && progress) {
      cLo = c;
      dLo = D;
    } else if (progress) {
      cHi = c;
      dHi = D;
    }
    double next = NAN;
    chord = false;
    if (cLo && cHi) {
      if (progress && dLo > 0 && dHi > 0) {
        const double pw = std::log(dLo / dHi) / std::log((double)cHi / cLo);
        next = pw * dLo * std::pow((double)cLo / k, pw) / k;
      }
      if (!(next > 0 && std::isfinite(next)) || next == lambda) {
        next = (dLo - dHi) / (cHi - cLo);
        chord = true;
      }
    } else {
      next = 2 * D * ((double)c / k) * ((double)c / k) / k;
      if (!(next > 0 && std::isfinite(next)) || next == lambda)
        next = lambda * (c < k ? 0.5 : 2.0); // toward the missing side
    }
    if (!(next > 0 && std::isfinite(next)))
      return false;
    lambda = next;
  }
  return false;
}

} // namespace

double optimalKMeans1D(const double *v, const double *w, int64_t n, int k,
                       int64_t *start) {
  return optimalKMeans1DWith(*paletteKernelsFor(activeIsa()), v, w, n, k,
                             start);
}

namespace detail {

namespace {
/// Layers with more rows than this run in parallel (when asked to).
constexpr int64_t kParallelRows = 4096;

/// kernels.solveLayer() over rows [lo, hi] with argmins in [alo, ahi], on
/// `pf`: the top three levels of its recursion one row at a time, then the
/// (up to eight) segments below them in parallel. Every row gets the
/// bracket of the serial order, so the results are the same.
void solveLayerOn(const PaletteKernels &kernels, const LayerArgs &l,
                  int64_t lo, int64_t hi, int64_t alo, int64_t ahi,
                  const ParallelFor *pf) {
  if (!pf || !*pf || hi - lo < kParallelRows) {
    kernels.solveLayer(l, lo, hi, alo, ahi);
    return;
  }
  struct Segment {
    int64_t lo, hi, alo, ahi;
  };
  std::vector<Segment> level{{lo, hi, alo, ahi}}, next;
  for (int depth = 0; depth < 3; ++depth) {
    next.clear();
    for (const Segment &s : level) {
      const int64_t mid = s.lo + (s.hi - s.lo) / 2;
      kernels.solveLayer(l, mid, mid, s.alo, s.ahi);
      const int64_t bi = l.opt[mid];
      if (mid > s.lo)
        next.push_back({s.lo, mid - 1, s.alo, bi});
      if (l.D[mid] <= l.cap && mid < s.hi) // else past the optimal path
        next.push_back({mid + 1, s.hi, bi, s.ahi});
    }
    std::swap(level, next);
  }
  runParallel(*pf, level.size(), [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i)
      kernels.solveLayer(l, level[i].lo, level[i].hi, level[i].alo,
                         level[i].ahi);
  });
}
} // namespace

double optimalKMeans1DWith(const PaletteKernels &kernels, const double *v,
                           const double *w, int64_t n, int k, int64_t *start,
                           const ParallelFor *pf) {
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
  // Many clusters: the layered programme grows with k, the relaxation not.
  if (k >= kLagrangianMin) {
    double sse;
    if (lagrangian(P, n, k, bound, start, sse))
      return sse;
  }

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

    // Rows r0..r1 (LayerFn; the last layer's one row n is the optimum
    // itself: never capped).
    for (int64_t b = r0; b <= r1; ++b)
      D[b] = INFINITY;
    solveLayerOn(kernels,
                 {{W, S1, S2, Dp}, D, o.data() - r0, m == k ? INFINITY : cap},
                 r0, r1, m - 1, aMax, pf);
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

constexpr int64_t kChunk = 8192;     // vectors per unit of parallel work
constexpr int64_t kSeedMax = 1 << 17; // larger: start on a subsample
// Lloyd on kSeedMax vectors or more stops once at most one assignment in
// kTolerance changes: the last iterations on millions of vectors move a few
// hundred of them and the SSE by less than 1e-6 of itself (measured: the same
// SQNR to 0.001 dB at half the time). On more vectors than that (all of a
// large input, after the subsample), it also stops once an iteration lowers
// the SSE by less than kMinGain of itself: there the centroids can drift for
// dozens of iterations, each moving thousands of vectors and the SSE by a
// few 1e-5 of itself (measured on 2 x 4096^2 uniform weights, 4-bit,
// cluster_dim 2: 0.4 to 1.5 s, for SSEs lower by 0.1% at most, 0.004 dB).
constexpr int64_t kTolerance = 1000;
constexpr double kMinGain = 1e-4;

/// Squared distance (f64) from a vector of f32 values to a centroid.
inline double dist2(const float *x, const double *c, int cd) {
  double s = 0;
  for (int t = 0; t < cd; ++t) {
    const double d = (double)x[t] - c[t];
    s += d * d;
  }
  return s;
}
inline double dist2(const double *x, const double *c, int cd) {
  double s = 0;
  for (int t = 0; t < cd; ++t) {
    const double d = x[t] - c[t];
    s += d * d;
  }
  return s;
}

/// Squared norm (f64) of a vector of f32 values.
inline double norm2(const float *x, int cd) {
  double s = 0;
  for (int t = 0; t < cd; ++t)
    s += (double)x[t] * x[t];
  return s;
}

// Bounds are kept conservative by relative margins far above the rounding
// of their updates.
constexpr double kUp = 1 + 1e-12, kDown = 1 - 1e-12;

struct KMeansRun {
  const float *data; // n vectors of cd values
  int64_t n;
  int cd, k;
  const ParallelFor *pf;
  NearestTwoFn nearestTwo;

  static int64_t chunksOf(int64_t count) {
    return (count + kChunk - 1) / kChunk;
  }

  /// body(u, begin, end) over the chunks of [0, count).
  void forChunks(int64_t count,
                 const std::function<void(int64_t, int64_t, int64_t)> &body)
      const {
    const int64_t c = chunksOf(count);
    if (pf && *pf && c > 1)
      (*pf)((size_t)c, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u)
          body((int64_t)u, (int64_t)u * kChunk,
               std::min<int64_t>(count, (int64_t)(u + 1) * kChunk));
      });
    else
      for (int64_t u = 0; u < c; ++u)
        body(u, u * kChunk, std::min<int64_t>(count, (u + 1) * kChunk));
  }

  /// Sum of f(i) over [0, count): per chunk, then in chunk order.
  double sumInOrder(int64_t count,
                    const std::function<double(int64_t)> &f) const {
    std::vector<double> part(chunksOf(count), 0.0);
    forChunks(count, [&](int64_t u, int64_t b, int64_t e) {
      double s = 0;
      for (int64_t i = b; i < e; ++i)
        s += f(i);
      part[u] = s;
    });
    double s = 0;
    for (double x : part)
      s += x;
    return s;
  }

  /// Greedy k-means++ seeding: each centre is the best (lowest potential)
  /// of 2 + ln k candidates sampled with probability ~ D(x)^2.
  void seed(Prng &rng, double *cent) const {
    const int64_t m = n;
    auto vec = [&](int64_t i) { return data + i * cd; };
    std::vector<double> d2(m), cand(m), cum(m);
    const int trials = 2 + (int)std::log((double)k);
    auto setCentre = [&](int c, const float *x) {
      for (int t = 0; t < cd; ++t)
        cent[c * cd + t] = x[t];
    };
    setCentre(0, vec((int64_t)(rng.next() % (uint64_t)m)));
    forChunks(m, [&](int64_t, int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        d2[i] = dist2(vec(i), cent, cd);
    });
    std::vector<double> trial(cd);
    for (int c = 1; c < k; ++c) {
      // Cumulative potential (sequential: the same order everywhere).
      double s = 0;
      for (int64_t i = 0; i < m; ++i) {
        s += d2[i];
        cum[i] = s;
      }
      int64_t bestIdx = 0;
      double bestPot = INFINITY;
      for (int t = 0; t < trials; ++t) {
        int64_t idx;
        if (s > 0) {
          const double r = rng.uniform() * s;
          idx = std::upper_bound(cum.begin(), cum.end(), r) - cum.begin();
          idx = std::min<int64_t>(idx, m - 1);
          while (idx > 0 && d2[idx] == 0) // never a point already at zero
            --idx;
        } else {
          idx = (int64_t)(rng.next() % (uint64_t)m);
        }
        for (int q = 0; q < cd; ++q)
          trial[q] = vec(idx)[q];
        forChunks(m, [&](int64_t, int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i)
            cand[i] = std::min(d2[i], dist2(vec(i), trial.data(), cd));
        });
        const double p = sumInOrder(m, [&](int64_t i) { return cand[i]; });
        if (p < bestPot) {
          bestPot = p;
          bestIdx = idx;
        }
      }
      setCentre(c, vec(bestIdx));
      forChunks(m, [&](int64_t, int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i)
          d2[i] = std::min(d2[i], dist2(vec(i), cent + c * cd, cd));
      });
    }
  }

  /// One start: seeding (unless `seeded`: from `cent`), then Lloyd
  /// (assign, update) until no assignment changes or 300 iterations;
  /// returns the SSE.
  ///
  /// Assignments are those of a nearest-centroid search (lowest index on
  /// ties); a vector is skipped only when bounds prove that its centroid is
  /// still strictly the nearest (Hamerly's upper bound on the distance to
  /// it, lower bound on the distance to any other). A sweep visits every
  /// vector and recomputes the sums of every cluster; it also lists the
  /// vectors whose bound gap is below tau, about an eighth of them. Until
  /// twice the centroids' largest accumulated move reaches tau, no other
  /// vector can change, so the iterations in between visit the listed ones
  /// only and update the sums by their moves (in index order).
  double lloyd(uint64_t seedValue, double *cent, bool seeded = false) const {
    if (!seeded) {
      Prng rng{seedValue};
      seed(rng, cent);
    }
    std::vector<int32_t> lab(n, 0);
    std::vector<double> up(n, 0.0), lowb(n, 0.0); // distance bounds
    std::vector<uint8_t> listed(n, 0);
    std::vector<int64_t> active; // listed vectors, ascending
    std::vector<double> cs((size_t)k * cd), old((size_t)k * cd);
    std::vector<double> move(k, 0.0), cumMove(k, 0.0);
    std::vector<double> sums((size_t)k * cd, 0.0);
    // Per cluster: the sum of its vectors' squared norms, and the SSE at
    // the means of the last iteration (sq - |sums|^2 / counts, summed).
    std::vector<double> sq(k, 0.0);
    double lastSse = INFINITY;
    std::vector<int64_t> counts(k, 0);
    double maxMove = 0, cumMax = 0, tau = 0;
    bool sweep = true, firstSweep = true;

    // The search of one vector with its bounds brought up to date.
    auto visit = [&](int64_t i, double dUp, double dLow) {
      const float *x = data + i * cd;
      up[i] = (up[i] + dUp) * kUp;
      lowb[i] = (lowb[i] - dLow) * kDown;
      if (up[i] < lowb[i])
        return false;
      up[i] = std::sqrt(dist2(x, cent + lab[i] * cd, cd)) * kUp;
      if (up[i] < lowb[i])
        return false;
      int bj;
      double best, second;
      nearestTwo(x, cs.data(), k, cd, bj, best, second);
      up[i] = std::sqrt(best) * kUp;
      lowb[i] = std::sqrt(second) * kDown;
      const bool changed = bj != lab[i];
      lab[i] = bj;
      return changed;
    };

    for (int it = 0; it < 300; ++it) {
      for (int j = 0; j < k; ++j)
        for (int t = 0; t < cd; ++t)
          cs[t * k + j] = cent[j * cd + t];
      int64_t nChanged = 0;
      if (sweep) {
        const int64_t nc = chunksOf(n);
        constexpr int kBuckets = 2048; // the gap's biased exponent (0: <= 0)
        std::vector<int64_t> changed(nc, 0), cnt((size_t)nc * k, 0);
        std::vector<double> sm((size_t)nc * k * cd, 0.0);
        std::vector<double> sqm((size_t)nc * k, 0.0);
        std::vector<int64_t> hist((size_t)nc * kBuckets, 0);
        forChunks(n, [&](int64_t u, int64_t b, int64_t e) {
          int64_t ch = 0;
          int64_t *h = hist.data() + u * kBuckets;
          for (int64_t i = b; i < e; ++i) {
            if (firstSweep) {
              int bj;
              double best, second;
              nearestTwo(data + i * cd, cs.data(), k, cd, bj, best, second);
              lab[i] = bj;
              up[i] = std::sqrt(best) * kUp;
              lowb[i] = std::sqrt(second) * kDown;
              ++ch;
            } else if (listed[i]) {
              ch += visit(i, move[lab[i]], maxMove);
            } else {
              ch += visit(i, cumMove[lab[i]], cumMax);
            }
            const double gap = lowb[i] - up[i];
            uint64_t gb;
            std::memcpy(&gb, &gap, 8);
            ++h[gap > 0 ? (int)(gb >> 52) : 0];
            const int j = lab[i];
            ++cnt[u * k + j];
            for (int t = 0; t < cd; ++t)
              sm[(u * k + j) * cd + t] += data[i * cd + t];
            sqm[u * k + j] += norm2(data + i * cd, cd);
          }
          changed[u] = ch;
        });
        for (int64_t x : changed)
          nChanged += x;
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(counts.begin(), counts.end(), 0);
        std::fill(sq.begin(), sq.end(), 0.0);
        for (int64_t u = 0; u < nc; ++u)
          for (int j = 0; j < k; ++j) {
            counts[j] += cnt[u * k + j];
            sq[j] += sqm[u * k + j];
            for (int t = 0; t < cd; ++t)
              sums[j * cd + t] += sm[(u * k + j) * cd + t];
          }
        // tau: the upper edge of the bucket where an eighth of the vectors
        // is reached.
        int64_t acc = 0;
        int bucket = 0;
        for (; bucket < kBuckets; ++bucket) {
          for (int64_t u = 0; u < nc; ++u)
            acc += hist[u * kBuckets + bucket];
          if (acc >= n / 8)
            break;
        }
        // (Bucket b holds gaps in [2^(b-1023), 2^(b-1022)).)
        tau = bucket == 0 ? 0 : std::ldexp(1.0, bucket - 1022);
        std::vector<std::vector<int64_t>> lists(nc);
        forChunks(n, [&](int64_t u, int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) {
            listed[i] = lowb[i] - up[i] < tau;
            if (listed[i])
              lists[u].push_back(i);
          }
        });
        active.clear();
        for (const auto &l : lists)
          active.insert(active.end(), l.begin(), l.end());
        std::fill(cumMove.begin(), cumMove.end(), 0.0);
        cumMax = 0;
        firstSweep = false;
      } else {
        // The listed vectors only; their moves, per chunk, applied to the
        // sums in chunk (index) order.
        const int64_t na = (int64_t)active.size(), nc = chunksOf(na);
        std::vector<std::vector<std::pair<int64_t, int32_t>>> moves(nc);
        forChunks(na, [&](int64_t u, int64_t b, int64_t e) {
          for (int64_t q = b; q < e; ++q) {
            const int64_t i = active[q];
            const int32_t from = lab[i];
            if (visit(i, move[from], maxMove))
              moves[u].push_back({i, from});
          }
        });
        for (const auto &mv : moves)
          for (const auto &m : mv) {
            const int64_t i = m.first;
            const int from = m.second, to = lab[i];
            --counts[from];
            ++counts[to];
            const double q = norm2(data + i * cd, cd);
            sq[from] -= q;
            sq[to] += q;
            for (int t = 0; t < cd; ++t) {
              sums[from * cd + t] -= data[i * cd + t];
              sums[to * cd + t] += data[i * cd + t];
            }
            ++nChanged;
          }
      }
      // Converged: no assignment changed (the centroids are the means), or,
      // on kSeedMax vectors and more, at most one in kTolerance did, or, on
      // more, the SSE at the new means fell by less than kMinGain of itself.
      if (nChanged == 0 || (n >= kSeedMax && nChanged * kTolerance <= n))
        break;
      double sse = 0;
      for (int j = 0; j < k; ++j)
        if (counts[j]) {
          double s2 = 0;
          for (int t = 0; t < cd; ++t)
            s2 += sums[j * cd + t] * sums[j * cd + t];
          sse += sq[j] - s2 / (double)counts[j];
        }
      const bool flat = n > kSeedMax && lastSse - sse <= kMinGain * sse;
      lastSse = sse;
      if (flat)
        break;
      // Update: the means; an empty cluster gets the vector farthest from
      // its centroid (then the next farthest, ...), and a sweep follows.
      std::memcpy(old.data(), cent, sizeof(double) * k * cd);
      std::vector<double> far;
      for (int j = 0; j < k; ++j) {
        if (counts[j]) {
          for (int t = 0; t < cd; ++t)
            cent[j * cd + t] = sums[j * cd + t] / (double)counts[j];
          continue;
        }
        if (far.empty()) {
          far.resize(n);
          forChunks(n, [&](int64_t, int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i)
              far[i] = dist2(data + i * cd, old.data() + lab[i] * cd, cd);
          });
        }
        int64_t f = 0;
        for (int64_t i = 1; i < n; ++i)
          if (far[i] > far[f])
            f = i;
        for (int t = 0; t < cd; ++t)
          cent[j * cd + t] = data[f * cd + t];
        far[f] = -1; // not chosen again for another empty cluster
      }
      maxMove = 0;
      for (int j = 0; j < k; ++j) {
        move[j] = std::sqrt(dist2(old.data() + j * cd, cent + j * cd, cd)) * kUp;
        maxMove = std::max(maxMove, move[j]);
        cumMove[j] = (cumMove[j] + move[j]) * kUp;
      }
      cumMax = (cumMax + maxMove) * kUp;
      // An unlisted vector's gap was >= tau; it shrank by at most its
      // centroid's move plus the largest one.
      sweep = !far.empty() || 2 * cumMax * kUp >= tau;
    }
    return sumInOrder(n, [&](int64_t i) {
      return dist2(data + i * cd, cent + lab[i] * cd, cd);
    });
  }
};

} // namespace

double vectorKMeans(const PaletteKernels &kernels, const float *data,
                    int64_t n, int cd, int k, double *centroids,
                    const ParallelFor *pf) {
  KMeansRun run{data, n, cd, k, pf, kernels.nearestTwo};
  // Large inputs: each start is seeded and refined by Lloyd on kSeedMax
  // vectors evenly spread, before Lloyd on all of them (far fewer costly
  // early iterations, when most centroids still move a lot).
  std::vector<float> sub;
  if (n > kSeedMax) {
    sub.resize((size_t)kSeedMax * cd);
    for (int64_t i = 0; i < kSeedMax; ++i)
      std::memcpy(&sub[i * cd], data + (i * n / kSeedMax) * cd,
                  sizeof(float) * cd);
  }
  const KMeansRun subRun{sub.data(), kSeedMax, cd, k, pf, kernels.nearestTwo};
  // Starts: more on small inputs, where one start varies most (spec §5).
  const int starts = n <= 4096 ? 10 : n <= 65536 ? 4 : n <= (1 << 18) ? 2 : 1;
  std::vector<double> cent((size_t)k * cd);
  double best = INFINITY;
  for (int s = 0; s < starts; ++s) {
    if (!sub.empty())
      subRun.lloyd(0x5EEDull + (uint64_t)s, cent.data());
    const double sse =
        run.lloyd(0x5EEDull + (uint64_t)s, cent.data(), !sub.empty());
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

//===- Palettize.cpp - Palettization: layout, LUTs, indices, dispatch -----===//
//
// The steps of Palettize.h in order: non-finite check, per-channel scale,
// clustering per group (PalettizeKMeans.cpp), the stored LUT (rounded, or
// quantized with quantize()), then the index of every element or vector:
// the nearest decoded entry, packed as a bit stream.
//
// The weight is viewed as [O, C, In] around the output axis (C channels,
// O = product of the dims before it, In = of the dims after it); group g
// holds channels [g*gc, (g+1)*gc) of every o, i.e. O runs of gc*In
// contiguous elements. All work is cut into units fixed by the layout alone
// (never by the thread count), and every floating-point sum runs in a fixed
// order, so the output bytes never depend on the ParallelFor.
//
//===----------------------------------------------------------------------===//
#include "PalettizeInternal.h"
#include "KernelsInternal.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

//===----------------------------------------------------------------------===//
// Layout and sizes
//===----------------------------------------------------------------------===//

int64_t PaletteLayout::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t PaletteLayout::channels() const {
  return shape.empty() ? 1 : shape[axis];
}

std::vector<int64_t> PaletteLayout::indexShape() const {
  std::vector<int64_t> s = shape;
  if (!s.empty())
    s[axis] /= clusterDim;
  return s;
}

bool PaletteLayout::isValid() const {
  if (shape.size() > 64)
    return false;
  for (int64_t d : shape)
    if (d < 1)
      return false;
  if (shape.empty() ? axis != 0 : axis < 0 || axis >= (int)shape.size())
    return false;
  const int64_t C = channels();
  if (numGroups < 1 || C % numGroups)
    return false;
  return clusterDim >= 1 && (C / numGroups) % clusterDim == 0;
}

bool PaletteParams::isValid() const {
  if (!isPackableBits(nBits))
    return false;
  if (lutType && *lutType != QType::SI8 && *lutType != QType::UI8 &&
      *lutType != QType::F8E4M3FN && *lutType != QType::F8E5M2)
    return false;
  return true;
}

namespace {

/// The facts palettize needs about a weight element type.
struct FloatType {
  int size;         // bytes
  int mantBits;     // stored mantissa bits
  int minExp;       // exponent of the smallest normal
  double maxFinite; // largest finite value
  ScaleType scaleType;
};

FloatType floatType(SrcType t) {
  switch (t) {
  case SrcType::F32:
    return {4, 23, -126, 0x1.fffffep127, ScaleType::F32};
  case SrcType::F16:
    return {2, 10, -14, 65504.0, ScaleType::F16};
  case SrcType::BF16:
    return {2, 7, -126, 0x1.fep127, ScaleType::BF16};
  }
  return {4, 23, -126, 0x1.fffffep127, ScaleType::F32};
}

/// d rounded to the type (half to even, +-inf beyond its range).
double roundToType(double d, SrcType t) {
  const FloatType f = floatType(t);
  return roundToPrecision(d, f.mantBits, f.minExp, f.maxFinite);
}

/// Stores a value of the type (exactly representable) as element i.
void storeExact(void *out, int64_t i, double v, SrcType t) {
  const float f = (float)v; // exact: v is a value of the type
  switch (t) {
  case SrcType::F32:
    std::memcpy((char *)out + 4 * i, &f, 4);
    return;
  case SrcType::F16: {
    const uint16_t h = floatToHalf(f);
    std::memcpy((char *)out + 2 * i, &h, 2);
    return;
  }
  case SrcType::BF16: {
    const uint16_t h = (uint16_t)(f2u(f) >> 16);
    std::memcpy((char *)out + 2 * i, &h, 2);
    return;
  }
  }
}

double loadD(const void *src, SrcType t, int64_t i) {
  return (double)loadSrc(src, t, i);
}

/// The weight as [O, C, In] and its groups.
struct Geometry {
  int64_t O = 1, C = 1, In = 1; // outer, channels, inner
  int64_t G = 1, gc = 1, cd = 1; // groups, channels per group, vector length
  int64_t P = 2;                 // LUT entries per group
  int64_t N = 1;                 // elements

  Geometry(const PaletteLayout &l, const PaletteParams &p) {
    for (int i = 0; i < l.rank(); ++i) {
      if (i < l.axis)
        O *= l.shape[i];
      else if (i > l.axis)
        In *= l.shape[i];
    }
    C = l.channels();
    G = l.numGroups;
    gc = C / G;
    cd = l.clusterDim;
    P = p.numEntries();
    N = O * C * In;
  }
  int64_t groupElements() const { return O * gc * In; }
  int64_t groupVectors() const { return O * (gc / cd) * In; }
  /// Channel of flat element e.
  int64_t channelOf(int64_t e) const { return (e / In) % C; }
  /// Flat index of the t-th element of group g (t in [0, groupElements)).
  int64_t groupElement(int64_t g, int64_t t) const {
    const int64_t run = gc * In;
    return (t / run) * C * In + g * run + t % run;
  }
  /// Flat index of component 0 of vector v of the index tensor; component t
  /// is at + t * In.
  int64_t vectorBase(int64_t v) const {
    const int64_t cv = C / cd;
    const int64_t o = v / (cv * In), r = v % (cv * In);
    return o * C * In + (r / In) * cd * In + r % In;
  }
  int64_t groupOfVector(int64_t v) const {
    return ((v / In) % (C / cd)) / (gc / cd);
  }
  /// The v-th vector (in index order) of group g.
  int64_t groupVector(int64_t g, int64_t t) const {
    const int64_t run = (gc / cd) * In;
    return (t / run) * (C / cd) * In + g * run + t % run;
  }
};

void runParallel(const ParallelFor &pf, size_t n,
                 const std::function<void(size_t, size_t)> &body) {
  if (n == 0)
    return;
  if (pf && n > 1)
    pf(n, body);
  else
    body(0, n);
}

constexpr int64_t kScanChunk = 1 << 16;   // elements per unit of simple scans
constexpr int64_t kBigGroup = 1 << 20;    // larger groups: split histograms
constexpr int64_t kHistChunk = 1 << 18;   // elements per histogram unit
constexpr int64_t kIndexChunk = 1 << 14;  // indices per assignment unit (% 8)

/// First NaN/Inf (flat index), or -1.
int64_t firstNonFinite(const void *src, SrcType st, int64_t N,
                       const ParallelFor &pf) {
  const int64_t units = (N + kScanChunk - 1) / kScanChunk;
  std::atomic<int64_t> first{-1};
  runParallel(pf, (size_t)units, [&](size_t b, size_t e) {
    for (size_t u = b; u < e; ++u) {
      const int64_t i0 = (int64_t)u * kScanChunk,
                    i1 = std::min(N, i0 + kScanChunk);
      for (int64_t i = i0; i < i1; ++i)
        if ((f2u(loadSrc(src, st, i)) & 0x7f800000u) == 0x7f800000u) {
          int64_t cur = first.load();
          while ((cur < 0 || i < cur) && !first.compare_exchange_weak(cur, i)) {
          }
          break;
        }
    }
  });
  return first.load();
}

//===----------------------------------------------------------------------===//
// Scalar histograms of big groups
//===----------------------------------------------------------------------===//

/// Merges sorted grid point lists b into a (equal values: a's sums first).
void mergePoints(GridPoints &a, const GridPoints &b) {
  GridPoints r;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a.value[i] < b.value[j])) {
      r.value.push_back(a.value[i]);
      r.count.push_back(a.count[i]);
      r.sumX.push_back(a.sumX[i]);
      ++i;
    } else if (i == a.size() || b.value[j] < a.value[i]) {
      r.value.push_back(b.value[j]);
      r.count.push_back(b.count[j]);
      r.sumX.push_back(b.sumX[j]);
      ++j;
    } else {
      r.value.push_back(a.value[i]);
      r.count.push_back(a.count[i] + b.count[j]);
      r.sumX.push_back(a.sumX[i] + b.sumX[j]);
      ++i;
      ++j;
    }
  }
  a = std::move(r);
}

//===----------------------------------------------------------------------===//
// Decoded entries and the nearest-entry search
//===----------------------------------------------------------------------===//

/// Everything that decodes the stored LUT: per "set" (a group, or a channel
/// with a per-channel scale) the decoded value of each entry (component).
struct Decoded {
  int64_t nSets = 0, width = 0; // width = P * cd
  std::vector<double> v;        // nSets * width
  const double *set(int64_t s) const { return v.data() + s * width; }
};

/// Decodes from the stored outputs (as palettize wrote them).
Decoded decodeEntries(const Geometry &g, SrcType st, const PaletteParams &p,
                      ScaleRounding rule, const uint8_t *lut,
                      const uint8_t *scale) {
  Decoded d;
  d.width = g.P * g.cd;
  d.nSets = p.perChannelScale ? g.C : g.G;
  d.v.resize(d.nSets * d.width);
  const double z = p.lutType ? (double)(int)lutZeroPointCode(p) : 0.0;
  for (int64_t s = 0; s < d.nSets; ++s) {
    const int64_t grp = p.perChannelScale ? s / g.gc : s;
    const double sc = p.hasScale() ? loadD(scale, st, s) : 1.0;
    for (int64_t j = 0; j < d.width; ++j) {
      const int64_t e = grp * d.width + j;
      const double data = p.lutType ? lutCodeValue(*p.lutType, lut[e])
                                    : loadD(lut, st, e);
      d.v[s * d.width + j] =
          p.hasScale() ? decodeScaled(sc, data, z, st, rule) : data;
    }
  }
  return d;
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

} // namespace

ScaleRounding scaleRoundingFor(const std::vector<int64_t> &shape,
                               const std::vector<int64_t> &scaleShape) {
  // Block size 1 on every axis but the last (vacuous for rank 1).
  for (size_t i = 0; i + 1 < shape.size(); ++i)
    if (i >= scaleShape.size() || scaleShape[i] != shape[i])
      return ScaleRounding::Fused;
  return ScaleRounding::Separate;
}

namespace {
/// The rounding of this layout's blockwise_shift_scale (rank 0 as {1}).
ScaleRounding roundingOf(const PaletteLayout &l, const PaletteSizes &s) {
  return scaleRoundingFor(l.shape.empty() ? std::vector<int64_t>{1} : l.shape,
                          s.scaleShape);
}
} // namespace

PaletteSizes paletteSizes(const PaletteLayout &l, SrcType st,
                          const PaletteParams &p) {
  PaletteSizes s;
  if (!l.isValid() || !p.isValid())
    return s;
  const Geometry g(l, p);
  const int esz = floatType(st).size;
  s.indexBytes = (size_t)packedBytesForBits(p.nBits, l.numIndices());
  s.lutEntries = g.G * g.P * g.cd;
  s.lutBytes = (size_t)s.lutEntries * (p.lutType ? 1 : esz);
  s.scaleCount = p.perChannelScale ? g.C : p.lutType ? g.G : 0;
  s.scaleBytes = (size_t)s.scaleCount * esz;
  const std::vector<int64_t> shape =
      l.shape.empty() ? std::vector<int64_t>{1} : l.shape;
  s.indexShape = shape;
  s.indexShape[l.axis] /= g.cd;
  s.lutShape.assign(shape.size(), 1);
  s.lutShape[l.axis] = g.G;
  s.lutShape.push_back(g.P);
  s.lutShape.push_back(g.cd);
  if (s.scaleCount) {
    s.scaleShape.assign(shape.size(), 1);
    s.scaleShape[l.axis] = s.scaleCount;
  }
  return s;
}

uint8_t lutZeroPointCode(const PaletteParams &p) {
  if (!p.lutType)
    return 0;
  return splatZeroPointCode({*p.lutType, Scheme::Symmetric, ScaleType::F32});
}

double decodeScaled(double s, double d, double z, SrcType st,
                    ScaleRounding rule) {
  // s * d and s * z are exact in f64 (at most 24 + 24 significant bits).
  // bf16 runs in f32, where s*d, s*z and their difference are exact: one
  // rounding of s*(d - z) either way.
  if (rule == ScaleRounding::Fused || st == SrcType::BF16)
    return roundToType(s * (d - z), st);
  return roundToType(roundToType(s * d, st) - roundToType(s * z, st), st);
}

double lutCodeValue(QType t, uint8_t code) {
  const QTypeInfo info = qtypeInfo(t);
  if (info.isFloat)
    return fpCodeValue(code, info);
  return info.isSigned ? (double)(int8_t)code : (double)code;
}

//===----------------------------------------------------------------------===//
// palettize
//===----------------------------------------------------------------------===//

QuantResult palettizeWithIsa(Isa isa, const void *src, SrcType st,
                             const PaletteLayout &layout,
                             const PaletteParams &p, const PaletteOutputs &out,
                             const ParallelFor &pf,
                             PaletteDiagnostics *diag) {
  const std::vector<Isa> paths = availableIsas();
  if (!layout.isValid() || !p.isValid() || !src || !out.indices || !out.lut ||
      std::find(paths.begin(), paths.end(), isa) == paths.end())
    return {Status::InvalidArgument, -1};
  const PaletteKernels &kernels = *paletteKernelsFor(isa);
  if (p.perChannelScale && layout.clusterDim > 1)
    return {Status::InvalidArgument, -1};
  const PaletteSizes sizes = paletteSizes(layout, st, p);
  if (sizes.scaleCount && !out.scale)
    return {Status::InvalidArgument, -1};
  const Geometry g(layout, p);
  const FloatType ft = floatType(st);

  if (int64_t bad = firstNonFinite(src, st, g.N, pf); bad >= 0)
    return {Status::NonFinite, bad};

  // Per-channel scale: max |w| per channel (exact, as f32 bits), 1 for an
  // all-zero channel, at least the type's smallest normal.
  std::vector<double> pcs;
  if (p.perChannelScale) {
    std::vector<uint32_t> amax(g.C, 0u);
    std::mutex mu;
    const int64_t unit = std::max<int64_t>(kHistChunk, g.C);
    runParallel(pf, (size_t)((g.N + unit - 1) / unit),
                [&](size_t b, size_t e) {
                  std::vector<uint32_t> local(g.C, 0u);
                  for (int64_t i = (int64_t)b * unit;
                       i < std::min<int64_t>(g.N, (int64_t)e * unit); ++i) {
                    const uint32_t a = f2u(loadSrc(src, st, i)) & 0x7fffffffu;
                    uint32_t &m = local[g.channelOf(i)];
                    m = a > m ? a : m;
                  }
                  std::lock_guard<std::mutex> lock(mu);
                  for (int64_t c = 0; c < g.C; ++c)
                    amax[c] = std::max(amax[c], local[c]);
                });
    pcs.resize(g.C);
    const double minNormal = std::ldexp(1.0, ft.minExp);
    for (int64_t c = 0; c < g.C; ++c) {
      const double a = (double)u2f(amax[c]);
      pcs[c] = a == 0 ? 1.0 : std::max(a, minNormal);
    }
  }

  // Clustering: f64 LUT entries per group.
  const int64_t width = g.P * g.cd;
  std::vector<double> lutF64(g.G * width, 0.0);
  std::vector<int> clusters(g.G, 0);
  std::vector<double> sse(g.G, 0.0);
  const int maxK = (int)g.P;
  auto xOf = [&](int64_t e) {
    const double w = loadD(src, st, e);
    return pcs.empty() ? w : w / pcs[g.channelOf(e)];
  };
  // From a group's grid points: the optimal partition and the means.
  auto clusterPoints = [&](int64_t grp, const GridPoints &pts) {
    const int64_t n = (int64_t)pts.size();
    const int k = (int)std::min<int64_t>(n, maxK);
    std::vector<int64_t> start(k + 1);
    sse[grp] = optimalKMeans1DWith(kernels, pts.value.data(),
                                   pts.count.data(), n, k, start.data());
    start[k] = n;
    clusters[grp] = k;
    for (int j = 0; j < k; ++j) {
      double s = 0, c = 0;
      for (int64_t i = start[j]; i < start[j + 1]; ++i) {
        s += pts.sumX[i];
        c += pts.count[i];
      }
      lutF64[grp * width + j] = s / c;
    }
  };

  if (g.cd == 1) {
    const int64_t ng = g.groupElements();
    if (ng <= kBigGroup) {
      // One unit per group: gather, histogram, DP.
      runParallel(pf, (size_t)g.G, [&](size_t b, size_t e) {
        std::vector<double> x(ng);
        GridPoints pts;
        SortScratch scratch;
        for (size_t grp = b; grp < e; ++grp) {
          for (int64_t t = 0; t < ng; ++t)
            x[t] = xOf(g.groupElement((int64_t)grp, t));
          gridPointsOf(x.data(), ng, pts, scratch);
          clusterPoints((int64_t)grp, pts);
        }
      });
    } else {
      // Big groups: histograms in fixed chunks, merged in chunk order; then
      // one DP per group.
      std::vector<GridPoints> groupPts(g.G);
      const int64_t chunks = (ng + kHistChunk - 1) / kHistChunk;
      const bool raw16 = pcs.empty() && st != SrcType::F32;
      for (int64_t grp = 0; grp < g.G; ++grp) {
        if (raw16) {
          // f16/bf16 without a scale: x is a grid value already; count the
          // 16-bit patterns (integer counts: any order).
          std::vector<uint64_t> hist(65536, 0);
          std::mutex mu;
          runParallel(pf, (size_t)chunks, [&](size_t b, size_t e) {
            std::vector<uint32_t> local(65536, 0);
            for (size_t u = b; u < e; ++u)
              for (int64_t t = (int64_t)u * kHistChunk;
                   t < std::min(ng, (int64_t)(u + 1) * kHistChunk); ++t) {
                uint16_t h;
                std::memcpy(&h, (const char *)src + 2 * g.groupElement(grp, t),
                            2);
                ++local[h];
              }
            std::lock_guard<std::mutex> lock(mu);
            for (int i = 0; i < 65536; ++i)
              hist[i] += local[i];
          });
          GridPoints &pts = groupPts[grp];
          auto add = [&](uint16_t h, uint64_t c) {
            if (!c)
              return;
            double v =
                (double)(st == SrcType::F16 ? halfToFloat(h) : bf16ToFloat(h));
            if (v == 0)
              v = 0.0; // one grid value for -0 and +0
            if (!pts.value.empty() && pts.value.back() == v) { // -0 then +0
              pts.count.back() += (double)c;
              pts.sumX.back() += (double)c * v;
              return;
            }
            pts.value.push_back(v);
            pts.count.push_back((double)c);
            pts.sumX.push_back((double)c * v);
          };
          for (int h = 0xffff; h >= 0x8000; --h) // negatives, descending bits
            add((uint16_t)h, hist[h]);
          for (int h = 0; h < 0x8000; ++h)
            add((uint16_t)h, hist[h]);
        } else {
          std::vector<GridPoints> parts(chunks);
          runParallel(pf, (size_t)chunks, [&](size_t b, size_t e) {
            std::vector<double> x(kHistChunk);
            SortScratch scratch;
            for (size_t u = b; u < e; ++u) {
              const int64_t t0 = (int64_t)u * kHistChunk,
                            t1 = std::min(ng, t0 + kHistChunk);
              for (int64_t t = t0; t < t1; ++t)
                x[t - t0] = xOf(g.groupElement(grp, t));
              gridPointsOf(x.data(), t1 - t0, parts[u], scratch);
            }
          });
          // Pairwise merges in a fixed tree.
          for (int64_t step = 1; step < chunks; step *= 2)
            runParallel(pf, (size_t)((chunks + 2 * step - 1) / (2 * step)),
                        [&](size_t b, size_t e) {
                          for (size_t u = b; u < e; ++u) {
                            const int64_t i = (int64_t)u * 2 * step;
                            if (i + step < chunks) {
                              mergePoints(parts[i], parts[i + step]);
                              parts[i + step] = GridPoints();
                            }
                          }
                        });
          groupPts[grp] = std::move(parts[0]);
        }
      }
      runParallel(pf, (size_t)g.G, [&](size_t b, size_t e) {
        for (size_t grp = b; grp < e; ++grp)
          clusterPoints((int64_t)grp, groupPts[grp]);
      });
    }
  } else {
    // Vectors: k-means per group over its vectors (f64).
    const int64_t nv = g.groupVectors();
    const int k = (int)std::min<int64_t>(nv, maxK);
    const int cd = (int)g.cd;
    auto clusterGroup = [&](int64_t grp, const ParallelFor *inner) {
      std::vector<double> data(nv * cd);
      for (int64_t t = 0; t < nv; ++t) {
        const int64_t base = g.vectorBase(g.groupVector(grp, t));
        for (int c = 0; c < cd; ++c)
          data[t * cd + c] = loadD(src, st, base + c * g.In);
      }
      sse[grp] = vectorKMeans(data.data(), nv, cd, k,
                              lutF64.data() + grp * width, inner);
      clusters[grp] = k;
    };
    if (g.G == 1)
      clusterGroup(0, &pf);
    else
      runParallel(pf, (size_t)g.G, [&](size_t b, size_t e) {
        for (size_t grp = b; grp < e; ++grp)
          clusterGroup((int64_t)grp, nullptr);
      });
  }

  // The stored LUT (and scale).
  uint8_t *lutOut = (uint8_t *)out.lut;
  uint8_t *scaleOut = (uint8_t *)out.scale;
  if (!p.lutType) {
    for (int64_t i = 0; i < g.G * width; ++i)
      storeExact(lutOut, i, roundToType(lutF64[i], st), st);
    if (p.perChannelScale)
      for (int64_t c = 0; c < g.C; ++c)
        storeExact(scaleOut, c, pcs[c], st);
  } else {
    // Each group's entries as one symmetric block (quantize()'s rules, the
    // scale in the weight's type).
    std::vector<float> lutF32(g.G * width);
    for (int64_t i = 0; i < g.G * width; ++i)
      lutF32[i] = (float)lutF64[i];
    std::vector<uint8_t> groupScale(g.G * ft.size);
    const BlockLayout bl{{g.G, width}, {1, width}};
    const QuantParams qp{*p.lutType, Scheme::Symmetric, ft.scaleType};
    QuantResult r = quantizeWithIsa(
        isa, lutF32.data(), SrcType::F32, bl, qp, lutOut,
        p.perChannelScale ? groupScale.data() : scaleOut, nullptr, pf);
    if (r.status != Status::Ok)
      return {r.status, -1};
    if (p.perChannelScale) {
      // Fused per-channel scale round_T(s_g * pcs[c]), at least the smallest
      // normal. The zero point is not scaled.
      const double minNormal = std::ldexp(1.0, ft.minExp);
      for (int64_t c = 0; c < g.C; ++c) {
        double s = roundToType(loadD(groupScale.data(), st, c / g.gc) * pcs[c],
                               st);
        if (std::isinf(s))
          return {Status::Overflow, -1};
        storeExact(scaleOut, c, std::max(s, minNormal), st);
      }
    }
  }

  // Indices: the nearest decoded entry of every element (vector).
  const Decoded dec = decodeEntries(g, st, p, roundingOf(layout, sizes),
                                    lutOut, scaleOut);
  uint8_t *idxOut = (uint8_t *)out.indices;
  const int64_t nIdx = g.N / g.cd;
  const int64_t units = (nIdx + kIndexChunk - 1) / kIndexChunk;
  if (g.cd == 1) {
    std::vector<NearestTable> tables(dec.nSets);
    runParallel(pf, (size_t)dec.nSets, [&](size_t b, size_t e) {
      for (size_t s = b; s < e; ++s)
        tables[s].build(dec.set((int64_t)s), (int)g.P);
    });
    // f16/bf16 weights whose sets are big: one lookup table over the 16-bit
    // patterns per set.
    const int64_t setElems = g.N / dec.nSets;
    std::vector<uint8_t> map;
    if (st != SrcType::F32 && setElems >= (1 << 18)) {
      map.resize((size_t)dec.nSets << 16);
      runParallel(pf, (size_t)dec.nSets * 16, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          const int64_t s = (int64_t)u / 16;
          for (uint32_t h = (uint32_t)(u % 16) << 12;
               h < ((uint32_t)(u % 16) + 1) << 12; ++h) {
            const float f = st == SrcType::F16 ? halfToFloat((uint16_t)h)
                                               : bf16ToFloat((uint16_t)h);
            map[(size_t)s << 16 | h] =
                std::isfinite(f) ? tables[s].nearest((double)f) : 0;
          }
        }
      });
    }
    runParallel(pf, (size_t)units, [&](size_t b, size_t e) {
      uint8_t stage[kIndexChunk];
      for (size_t u = b; u < e; ++u) {
        const int64_t i0 = (int64_t)u * kIndexChunk,
                      i1 = std::min(nIdx, i0 + kIndexChunk);
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t c = g.channelOf(i);
          const int64_t s = p.perChannelScale ? c : c / g.gc;
          if (!map.empty()) {
            uint16_t h;
            std::memcpy(&h, (const char *)src + 2 * i, 2);
            stage[i - i0] = map[(size_t)s << 16 | h];
          } else {
            stage[i - i0] = tables[s].nearest(loadD(src, st, i));
          }
        }
        packCodes(stage, i0, i1 - i0, p.nBits, idxOut);
      }
    });
  } else {
    const int cd = (int)g.cd;
    runParallel(pf, (size_t)units, [&](size_t b, size_t e) {
      uint8_t stage[kIndexChunk];
      std::vector<double> x(cd);
      for (size_t u = b; u < e; ++u) {
        const int64_t i0 = (int64_t)u * kIndexChunk,
                      i1 = std::min(nIdx, i0 + kIndexChunk);
        for (int64_t v = i0; v < i1; ++v) {
          const int64_t base = g.vectorBase(v);
          for (int c = 0; c < cd; ++c)
            x[c] = loadD(src, st, base + c * g.In);
          const double *ent = dec.set(g.groupOfVector(v));
          double best = INFINITY;
          int bj = 0;
          for (int j = 0; j < (int)g.P; ++j) {
            double d = 0;
            for (int c = 0; c < cd; ++c) {
              const double t = x[c] - ent[j * cd + c];
              d += t * t;
            }
            if (d < best) {
              best = d;
              bj = j;
            }
          }
          stage[v - i0] = (uint8_t)bj;
        }
        packCodes(stage, i0, i1 - i0, p.nBits, idxOut);
      }
    });
  }

  if (diag) {
    diag->clusters = clusters;
    diag->lutF64 = lutF64;
    diag->clusterSSE = sse;
  }
  return {Status::Ok, -1};
}

QuantResult palettize(const void *src, SrcType st, const PaletteLayout &layout,
                      const PaletteParams &p, const PaletteOutputs &out,
                      const ParallelFor &pf, PaletteDiagnostics *diag) {
  return palettizeWithIsa(activeIsa(), src, st, layout, p, out, pf, diag);
}

Status decodePalettized(const PaletteLayout &layout, SrcType st,
                        const PaletteParams &p, const void *indices,
                        const void *lut, const void *scale, void *out) {
  if (!layout.isValid() || !p.isValid() || !indices || !lut || !out ||
      (p.perChannelScale && layout.clusterDim > 1))
    return Status::InvalidArgument;
  const PaletteSizes sizes = paletteSizes(layout, st, p);
  if (sizes.scaleCount && !scale)
    return Status::InvalidArgument;
  const Geometry g(layout, p);
  const Decoded dec = decodeEntries(g, st, p, roundingOf(layout, sizes),
                                    (const uint8_t *)lut,
                                    (const uint8_t *)scale);
  const int64_t nIdx = g.N / g.cd;
  for (int64_t v = 0; v < nIdx; ++v) {
    const int j = unpackCode((const uint8_t *)indices, v, p.nBits);
    if (j >= g.P)
      return Status::InvalidArgument;
    if (g.cd == 1) {
      const int64_t c = g.channelOf(v);
      const double *ent = dec.set(p.perChannelScale ? c : c / g.gc);
      storeExact(out, v, ent[j], st);
    } else {
      const int64_t base = g.vectorBase(v);
      const double *ent = dec.set(g.groupOfVector(v));
      for (int64_t c = 0; c < g.cd; ++c)
        storeExact(out, base + c * g.In, ent[j * g.cd + c], st);
    }
  }
  return Status::Ok;
}

} // namespace kernels
} // namespace coreai

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
#include <memory>
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
};

constexpr int64_t kScanChunk = 1 << 16;   // elements per unit of simple scans
constexpr int64_t kBigGroup = 1 << 20;    // larger groups: split histograms
constexpr int64_t kHistChunk = 1 << 18;   // elements per histogram unit
constexpr int64_t kIndexChunk = 1 << 14;  // indices per assignment unit (% 8)

/// First NaN/Inf (flat index), or -1. On the raw bits (exponent all ones).
int64_t firstNonFinite(const void *src, SrcType st, int64_t N,
                       const ParallelFor &pf) {
  const int64_t units = (N + kScanChunk - 1) / kScanChunk;
  std::atomic<int64_t> first{-1};
  auto firstIn = [&](int64_t i0, int64_t i1) -> int64_t {
    if (st == SrcType::F32) {
      const uint32_t *u = (const uint32_t *)src;
      bool any = false;
      for (int64_t i = i0; i < i1; ++i)
        any |= (u[i] & 0x7f800000u) == 0x7f800000u;
      if (any)
        for (int64_t i = i0; i < i1; ++i)
          if ((u[i] & 0x7f800000u) == 0x7f800000u)
            return i;
    } else {
      const uint16_t *h = (const uint16_t *)src;
      const uint16_t e = st == SrcType::F16 ? 0x7c00 : 0x7f80;
      bool any = false;
      for (int64_t i = i0; i < i1; ++i)
        any |= (h[i] & e) == e;
      if (any)
        for (int64_t i = i0; i < i1; ++i)
          if ((h[i] & e) == e)
            return i;
    }
    return -1;
  };
  runParallel(pf, (size_t)units, [&](size_t b, size_t e) {
    for (size_t u = b; u < e; ++u) {
      const int64_t i = firstIn((int64_t)u * kScanChunk,
                                std::min(N, (int64_t)(u + 1) * kScanChunk));
      if (i < 0)
        continue;
      int64_t cur = first.load();
      while ((cur < 0 || i < cur) && !first.compare_exchange_weak(cur, i)) {
      }
      break;
    }
  });
  return first.load();
}

/// Walks positions [t0, t1) of group g in order (the group's elements are
/// O runs of gc*In contiguous ones) as runs of contiguous elements: f(e, n,
/// c) for flat indices [e, e + n), all of channel c when `byChannel`, else
/// c is the channel of e only.
template <class F>
void forGroupRuns(const Geometry &g, int64_t grp, int64_t t0, int64_t t1,
                  bool byChannel, F &&f) {
  const int64_t run = g.gc * g.In;
  for (int64_t t = t0; t < t1;) {
    const int64_t o = t / run, r = t % run;
    const int64_t e = o * g.C * g.In + grp * run + r;
    const int64_t c = grp * g.gc + r / g.In;
    const int64_t end = byChannel ? r - r % g.In + g.In : run;
    const int64_t n = std::min(t1 - t, end - r);
    f(e, n, c);
    t += n;
  }
}

/// Dense indices of grid values: by sign and magnitude code within [rMin,
/// rMin + span): negatives by decreasing magnitude, then 0, then positives,
/// ordered as the values. Every x palettize clusters has 2^-277 <= |x| <
/// 2^128 or x = 0 (|w| >= 2^-149 and < 2^128, and 2^-149 <= pcs < 2^128
/// with |w| <= pcs), which is the range covered: ~830k indices.
struct KeyIndex {
  const uint32_t rMin = gridMagnitude(0x1p-277);
  const uint32_t span = gridMagnitude(0x1p128) - rMin + 1;
  uint32_t size() const { return 2 * span + 1; }
  uint32_t operator()(double x) const {
    const uint32_t r = gridMagnitude(x);
    const uint32_t off = (r - rMin + 1) & (r ? 0xffffffffu : 0u); // 0 for 0
    return isNegative(x) ? span - off : span + off;
  }
  double value(uint32_t i) const {
    if (i == span)
      return 0.0;
    const bool neg = i < span;
    const uint32_t r = rMin - 1 + (neg ? span - i : i - span);
    return gridKeyValue(neg ? (1u << 21) - r : (1u << 21) + r);
  }
};

/// Grid statistics of f32 x taken as they are (no scale), in one pass over
/// their bits, on the keys of f32GridKeys() (PalettizeInternal.h): the grid
/// magnitude r of a normal f32 is gridMagnitude() of the same value minus
/// kOffset (the difference of the f64 and f32 exponent biases, as codes).
/// Subnormal f32 lie on a finer grid: not handled.
///
/// Per key, the count and the exact sum of its x, as integers: an x of the
/// key of grid value g (exponent e) is g + off * 2^(e-24) (of |x| and |g|
/// for negative x). A block of input adds 2^38 + off per x to one int64 per
/// key (`packed`: one read-modify-write per element), which flush() moves
/// into the counts and sums (`bins`): 2^24 x at most per flush keep
/// the sum of the offs below 2^37 in magnitude and the count times 2^38
/// below 2^62. Only the keys in two ranges of each table (one per sign) and
/// the key of +-0 are zeroed and read.
struct F32Grid {
  static constexpr uint32_t kZero = kF32KeyZero, kSize = 2 * kZero + 1;
  static constexpr uint32_t kOffset = 896u << 10;
  static constexpr int64_t kFlush = int64_t(1) << 24; // x per packed block
  static constexpr int kCountShift = 38;

  struct Bin {
    uint64_t count;
    int64_t off; // sum of the offs
  };
  /// Keys [lo, hi) of an array, zeroed on demand.
  template <class T> struct Range {
    uint32_t lo = kSize, hi = kSize;
    void cover(T *v, uint32_t a, uint32_t b) {
      if (a >= b)
        return;
      if (lo == hi)
        lo = hi = a;
      if (a < lo) {
        std::fill(v + a, v + lo, T{});
        lo = a;
      }
      if (b > hi) {
        std::fill(v + hi, v + b, T{});
        hi = b;
      }
    }
  };
  /// An array over the keys with one zeroed range per sign (keys below and
  /// above kZero), and the key kZero (+-0) always zeroed.
  template <class T> struct Table {
    std::unique_ptr<T[]> v{new T[kSize]};
    Range<T> neg, pos;
    Table() { v[kZero] = T{}; }
    /// Zeroes the keys of magnitudes [rlo, rhi], 1 <= rlo, of both signs.
    void coverMagnitudes(uint32_t rlo, uint32_t rhi) {
      if (rlo == 0 || rlo > rhi) // none (rlo wraps to 0 for all zeros)
        return;
      neg.cover(v.get(), kZero - rhi, kZero - rlo + 1);
      pos.cover(v.get(), kZero + rlo, kZero + rhi + 1);
    }
    template <class U> void cover(const Table<U> &o) {
      neg.cover(v.get(), o.neg.lo, o.neg.hi);
      pos.cover(v.get(), o.pos.lo, o.pos.hi);
    }
    /// f(key) for the keys of both ranges, ascending.
    template <class F> void forKeys(F &&f) const {
      for (uint32_t k = neg.lo; k < neg.hi; ++k)
        f(k);
      f(kZero);
      for (uint32_t k = pos.lo; k < pos.hi; ++k)
        f(k);
    }
  };
  const F32KeysFn keys;
  Table<Bin> bins;
  Table<int64_t> packed;

  explicit F32Grid(F32KeysFn keys) : keys(keys) {}

  /// Grid value of a key (f64: 2^128 for the top key of the f32 range).
  static double value(uint32_t key) {
    if (key == kZero)
      return 0.0;
    // As a gridKey(): the same magnitude code with the f64 exponent bias.
    return key > kZero ? gridKeyValue((1u << 21) + (key - kZero) + kOffset)
                       : gridKeyValue((1u << 21) - (kZero - key) - kOffset);
  }
  /// The exact sum of a key's x (exact in f64: a multiple of 2^(e-24)
  /// below 2^(e+29) for up to 2^28 x; `kMaxExact`).
  static constexpr int64_t kMaxExact = int64_t(1) << 28;
  double sumOf(uint32_t key) const {
    const Bin &b = bins.v[key];
    const double g = value(key);
    if (g == 0)
      return 0.0;
    // The offs are of magnitudes: they move x away from 0 on either side.
    const double off = std::ldexp((double)b.off, std::ilogb(g) - 24);
    return (double)b.count * g + (g < 0 ? -off : off);
  }

  /// Counts the f32 values u[0..n) (their bits); false on a subnormal, NaN
  /// or Inf. flush() makes them part of the counts and sums.
  bool add(const uint32_t *u, int64_t n) {
    constexpr int64_t kStep = 2048;
    uint32_t key[kStep];
    int32_t off[kStep];
    for (int64_t b = 0; b < n; b += kStep) {
      const int64_t m = std::min(kStep, n - b);
      if (pending + m > kFlush)
        flush();
      // The weight streams from memory: ask for the next step's lines.
      for (int64_t i = b + kStep; i < std::min(n, b + 2 * kStep); i += 16)
        __builtin_prefetch(u + i);
      const F32KeyBlock kb = keys(u + b, m, key, off);
      if (kb.odd)
        return false;
      packed.coverMagnitudes(kb.rlo1 + 1, kb.rhi);
      for (int64_t i = 0; i < m; ++i)
        packed.v[key[i]] += ((int64_t)1 << kCountShift) + off[i];
      pending += m;
    }
    return true;
  }
  /// Moves what add() gathered into the counts and sums: count = the
  /// rounded quotient by 2^38.
  void flush() {
    bins.cover(packed);
    packed.forKeys([&](uint32_t k) {
      const int64_t v = packed.v[k];
      const int64_t c = (v + ((int64_t)1 << (kCountShift - 1))) >> kCountShift;
      bins.v[k].count += (uint64_t)c;
      bins.v[k].off += v - (c << kCountShift);
      packed.v[k] = 0;
    });
    pending = 0;
  }
  /// Adds another table's counts and sums (flushed).
  void merge(const F32Grid &o) {
    bins.cover(o.bins);
    o.bins.forKeys([&](uint32_t k) {
      bins.v[k].count += o.bins.v[k].count;
      bins.v[k].off += o.bins.v[k].off;
    });
  }

private:
  int64_t pending = 0; // x in `packed`
};

/// The grid points of group `grp` of an f32 weight without a scale, with
/// their x sums, through F32Grid; false (and `pts` untouched) when the
/// group holds a subnormal, NaN or Inf, or too many elements for exact sums.
bool f32GridPointsOf(const PaletteKernels &kernels, const uint32_t *src,
                     const Geometry &g, int64_t grp, const ParallelFor &pf,
                     GridPoints &pts) {
  const int64_t ng = g.groupElements();
  if (ng > F32Grid::kMaxExact)
    return false;
  const int64_t chunks = (ng + kHistChunk - 1) / kHistChunk;
  F32Grid total(kernels.f32Keys);
  std::atomic<bool> ok{true};
  std::mutex mu;
  runParallel(pf, (size_t)chunks, [&](size_t b, size_t e) {
    F32Grid local(kernels.f32Keys);
    bool fine = true;
    forGroupRuns(g, grp, (int64_t)b * kHistChunk,
                 std::min(ng, (int64_t)e * kHistChunk), false,
                 [&](int64_t el, int64_t n, int64_t) {
                   fine = fine && local.add(src + el, n);
                 });
    if (!fine) {
      ok = false;
      return;
    }
    local.flush();
    std::lock_guard<std::mutex> lock(mu);
    total.merge(local);
  });
  if (!ok)
    return false;
  pts.clear();
  total.bins.forKeys([&](uint32_t k) {
    if (total.bins.v[k].count) {
      pts.value.push_back(F32Grid::value(k));
      pts.count.push_back((double)total.bins.v[k].count);
      pts.sumX.push_back(total.sumOf(k));
    }
  });
  return true;
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

  // Weights without a scale in big groups meet any NaN/Inf in their first
  // pass (the f16/bf16 histogram of bit patterns, F32Grid), and look for
  // the first one only then.
  const bool bigGroups = g.cd == 1 && g.groupElements() > kBigGroup;
  const bool plainF32 = bigGroups && st == SrcType::F32 &&
                        !p.perChannelScale &&
                        g.groupElements() <= F32Grid::kMaxExact;
  bool checked = !(bigGroups && !p.perChannelScale);
  if (checked)
    if (int64_t bad = firstNonFinite(src, st, g.N, pf); bad >= 0)
      return {Status::NonFinite, bad};

  // Per-channel scale: max |w| per channel (exact, on the bits of |w|), 1
  // for an all-zero channel, at least the type's smallest normal.
  std::vector<double> pcs;
  if (p.perChannelScale) {
    std::vector<uint32_t> amax(g.C, 0u);
    std::mutex mu;
    runParallel(pf, (size_t)(g.O * g.C),
                [&](size_t b, size_t e) {
                  std::vector<uint32_t> local(g.C, 0u);
                  // Rows [b, e) of the [O*C, In] view (channel = row % C).
                  int64_t c = (int64_t)b % g.C;
                  for (int64_t row = (int64_t)b; row < (int64_t)e;
                       ++row, c = c + 1 == g.C ? 0 : c + 1) {
                    const int64_t i0 = row * g.In;
                    uint32_t m = local[c];
                    if (st == SrcType::F32) {
                      const uint32_t *u = (const uint32_t *)src + i0;
                      for (int64_t i = 0; i < g.In; ++i)
                        m = std::max(m, u[i] & 0x7fffffffu);
                    } else {
                      const uint16_t *h = (const uint16_t *)src + i0;
                      uint32_t m16 = 0;
                      for (int64_t i = 0; i < g.In; ++i)
                        m16 = std::max<uint32_t>(m16, h[i] & 0x7fffu);
                      m = std::max(m, m16);
                    }
                    local[c] = m;
                  }
                  std::lock_guard<std::mutex> lock(mu);
                  for (int64_t ch = 0; ch < g.C; ++ch)
                    amax[ch] = std::max(amax[ch], local[ch]);
                });
    pcs.resize(g.C);
    const double minNormal = std::ldexp(1.0, ft.minExp);
    for (int64_t c = 0; c < g.C; ++c) {
      // amax holds |w|'s bits in the weight's type.
      const double a =
          st == SrcType::F32 ? (double)u2f(amax[c])
          : st == SrcType::F16 ? (double)halfToFloat((uint16_t)amax[c])
                               : (double)bf16ToFloat((uint16_t)amax[c]);
      pcs[c] = a == 0 ? 1.0 : std::max(a, minNormal);
    }
  }

  // Clustering: f64 LUT entries per group.
  const int64_t width = g.P * g.cd;
  std::vector<double> lutF64(g.G * width, 0.0);
  std::vector<int> clusters(g.G, 0);
  std::vector<double> sse(g.G, 0.0);
  const int maxK = (int)g.P;
  // x of positions [t0, t1) of a group into x[0..).
  auto gatherX = [&](int64_t grp, int64_t t0, int64_t t1, double *x) {
    forGroupRuns(g, grp, t0, t1, !pcs.empty(),
                 [&](int64_t e, int64_t n, int64_t c) {
                   if (pcs.empty()) {
                     for (int64_t i = 0; i < n; ++i)
                       x[i] = loadD(src, st, e + i);
                   } else {
                     const double sc = pcs[c];
                     for (int64_t i = 0; i < n; ++i)
                       x[i] = loadD(src, st, e + i) / sc;
                   }
                   x += n;
                 });
  };
  // The optimal partition of a group's grid points: the first point of
  // each cluster and an end (k + 1 entries); records its SSE and size. A
  // single group's DP runs on the threads; several groups run side by side.
  auto partition = [&](int64_t grp, const GridPoints &pts) {
    const int64_t n = (int64_t)pts.size();
    const int k = (int)std::min<int64_t>(n, maxK);
    std::vector<int64_t> start(k + 1);
    sse[grp] = optimalKMeans1DWith(kernels, pts.value.data(),
                                   pts.count.data(), n, k, start.data(),
                                   g.G == 1 ? &pf : nullptr);
    start[k] = n;
    clusters[grp] = k;
    return start;
  };
  // From a group's grid points: the optimal partition and the means.
  auto clusterPoints = [&](int64_t grp, const GridPoints &pts) {
    const std::vector<int64_t> start = partition(grp, pts);
    const int k = clusters[grp];
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
          gatherX((int64_t)grp, 0, ng, x.data());
          gridPointsOf(x.data(), ng, pts, scratch);
          clusterPoints((int64_t)grp, pts);
        }
      });
    } else {
      // Big groups: exact counts of the grid values, gathered in parallel
      // over fixed chunks of the group; then one DP per group.
      std::vector<GridPoints> groupPts(g.G);
      std::vector<std::vector<uint32_t>> bigKeys(g.G); // indices of the points
      const int64_t chunks = (ng + kHistChunk - 1) / kHistChunk;
      const bool raw16 = pcs.empty() && st != SrcType::F32;
      // Chunks [b, e) of the group in blocks that stay in cache.
      constexpr int64_t kBlock = 2048;
      auto forBlocks = [&](size_t b, size_t e, auto &&f) {
        for (size_t u = b; u < e; ++u) {
          const int64_t c1 = std::min(ng, (int64_t)(u + 1) * kHistChunk);
          for (int64_t t0 = (int64_t)u * kHistChunk; t0 < c1; t0 += kBlock)
            f(t0, std::min(c1, t0 + kBlock));
        }
      };
      // Groups whose points carry their x sums (else a second pass sums).
      std::vector<char> summed(g.G, raw16);
      for (int64_t grp = 0; grp < g.G; ++grp) {
        if (plainF32 && f32GridPointsOf(kernels, (const uint32_t *)src, g,
                                        grp, pf, groupPts[grp])) {
          summed[grp] = 1;
          continue;
        }
        if (!checked && !raw16) {
          if (int64_t bad = firstNonFinite(src, st, g.N, pf); bad >= 0)
            return {Status::NonFinite, bad};
          checked = true;
        }
        if (raw16) {
          // f16/bf16 without a scale: x is a grid value already; count the
          // 16-bit patterns (integer counts: any order).
          std::vector<uint64_t> hist(65536, 0);
          std::mutex mu;
          runParallel(pf, (size_t)chunks, [&](size_t b, size_t e) {
            std::vector<uint32_t> local(65536, 0);
            const uint16_t *h = (const uint16_t *)src;
            for (size_t u = b; u < e; ++u)
              forGroupRuns(g, grp, (int64_t)u * kHistChunk,
                           std::min(ng, (int64_t)(u + 1) * kHistChunk), false,
                           [&](int64_t el, int64_t n, int64_t) {
                             for (int64_t i = 0; i < n; ++i) {
                               if (i % 32 == 0) // ask ahead (streaming)
                                 __builtin_prefetch(h + el + i + 1024);
                               ++local[h[el + i]];
                             }
                           });
            std::lock_guard<std::mutex> lock(mu);
            for (int i = 0; i < 65536; ++i)
              hist[i] += local[i];
          });
          if (!checked) {
            // NaN/Inf: the patterns with the exponent all ones.
            const uint16_t e = st == SrcType::F16 ? 0x7c00 : 0x7f80;
            uint64_t bad = 0;
            for (uint32_t h = e; h < 0x8000; ++h)
              bad |= hist[h] | hist[h | 0x8000];
            if (bad)
              return {Status::NonFinite, firstNonFinite(src, st, g.N, pf)};
          }
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
          // Any other x: the exact counts of its grid values (integer
          // partials, merged in any order), by KeyIndex. The x sums per
          // cluster come after the DP, in fixed chunks.
          const KeyIndex index;
          const uint32_t range = index.size();
          std::mutex mu;
          std::vector<uint64_t> hist(range, 0);
          runParallel(pf, (size_t)chunks, [&](size_t b, size_t e) {
            std::vector<uint32_t> local(range, 0);
            double x[kBlock];
            uint32_t key[kBlock];
            forBlocks(b, e, [&](int64_t t0, int64_t t1) {
              gatherX(grp, t0, t1, x);
              for (int64_t i = 0; i < t1 - t0; ++i)
                key[i] = index(x[i]);
              for (int64_t i = 0; i < t1 - t0; ++i)
                ++local[key[i]];
            });
            std::lock_guard<std::mutex> lock(mu);
            for (uint32_t i = 0; i < range; ++i)
              hist[i] += local[i];
          });
          GridPoints &pts = groupPts[grp];
          bigKeys[grp].clear();
          for (uint32_t i = 0; i < range; ++i)
            if (hist[i]) {
              pts.value.push_back(index.value(i));
              pts.count.push_back((double)hist[i]);
              bigKeys[grp].push_back(i);
            }
        }
      }
      runParallel(pf, (size_t)g.G, [&](size_t b, size_t e) {
        for (size_t grp = b; grp < e; ++grp)
          if (summed[grp])
            clusterPoints((int64_t)grp, groupPts[grp]);
      });
      for (int64_t grp = 0; grp < g.G; ++grp) {
        if (summed[grp])
          continue;
        // The partition, then each cluster's x sum: per fixed chunk in
        // element order, the chunks combined in order.
        const GridPoints &pts = groupPts[grp];
        const std::vector<uint32_t> &keys = bigKeys[grp];
        const std::vector<int64_t> start = partition(grp, pts);
        const int k = clusters[grp];
        const KeyIndex index;
        std::vector<uint8_t> clusterOf(index.size(), 0);
        for (int j = 0; j < k; ++j)
          for (uint32_t i = keys[start[j]];
               i < (j + 1 < k ? keys[start[j + 1]] : index.size()); ++i)
            clusterOf[i] = (uint8_t)j;
        // Eight banks (position i in bank i % 8) break the chain of adds
        // to one sum; they are combined in bank order.
        constexpr int kBanks = 8;
        std::vector<double> part(chunks * k, 0.0);
        runParallel(pf, (size_t)chunks, [&](size_t b, size_t e) {
          std::vector<double> bank(kBanks * k);
          double x[kBlock];
          uint32_t key[kBlock];
          for (size_t u = b; u < e; ++u) {
            std::fill(bank.begin(), bank.end(), 0.0);
            forBlocks(u, u + 1, [&](int64_t t0, int64_t t1) {
              gatherX(grp, t0, t1, x);
              for (int64_t i = 0; i < t1 - t0; ++i)
                key[i] = index(x[i]);
              for (int64_t i = 0; i < t1 - t0; ++i) // t0 % kBanks == 0
                bank[(i % kBanks) * k + clusterOf[key[i]]] += x[i];
            });
            double *sum = part.data() + u * k;
            for (int q = 0; q < kBanks; ++q)
              for (int j = 0; j < k; ++j)
                sum[j] += bank[q * k + j];
          }
        });
        for (int j = 0; j < k; ++j) {
          double s = 0, c = 0;
          for (int64_t u = 0; u < chunks; ++u)
            s += part[u * k + j];
          for (int64_t i = start[j]; i < start[j + 1]; ++i)
            c += pts.count[i];
          lutF64[grp * width + j] = s / c;
        }
      }
    }
  } else {
    // Vectors: k-means per group over its vectors (f64).
    const int64_t nv = g.groupVectors();
    const int k = (int)std::min<int64_t>(nv, maxK);
    const int cd = (int)g.cd;
    auto clusterGroup = [&](int64_t grp, const ParallelFor *inner) {
      // The group's vectors in index order: for each outer position, its
      // channel vectors, each at every inner position (counters, not
      // divisions, per vector).
      std::vector<float> data(nv * cd);
      const int64_t vectorsPerGroup = g.gc / cd;
      int64_t t = 0;
      for (int64_t o = 0; o < g.O; ++o)
        for (int64_t cv = grp * vectorsPerGroup; cv < (grp + 1) * vectorsPerGroup;
             ++cv) {
          const int64_t base = (o * g.C + cv * cd) * g.In;
          for (int64_t i = 0; i < g.In; ++i, ++t)
            for (int c = 0; c < cd; ++c)
              data[t * cd + c] = loadSrc(src, st, base + c * g.In + i);
        }
      sse[grp] = vectorKMeans(kernels, data.data(), nv, cd, k,
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
      // Fused per-channel scale round_T(s_g * pcs[c]). Subnormal results
      // are kept (unlike s_g's, they only scale codes already chosen; an FP8
      // LUT's s_g times a small pcs is often below f16's smallest normal);
      // only a product that rounds to 0 becomes the smallest subnormal. The
      // zero point is not scaled.
      const double minSubnormal = std::ldexp(1.0, ft.minExp - ft.mantBits);
      for (int64_t c = 0; c < g.C; ++c) {
        double s = roundToType(loadD(groupScale.data(), st, c / g.gc) * pcs[c],
                               st);
        if (std::isinf(s))
          return {Status::Overflow, -1};
        storeExact(scaleOut, c, std::max(s, minSubnormal), st);
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
    // Elements in runs that share a set: a channel with a per-channel scale,
    // else the channels of one group (contiguous in flat order).
    auto assignRun = [&](int64_t e0, int64_t n, int64_t s, uint8_t *dst) {
      const NearestTable &t = tables[s];
      if (!map.empty()) {
        const uint16_t *h = (const uint16_t *)src + e0;
        const uint8_t *m = map.data() + ((size_t)s << 16);
        for (int64_t i = 0; i < n; ++i) {
          if (i % 32 == 0) // ask ahead (streaming)
            __builtin_prefetch(h + i + 1024);
          dst[i] = m[h[i]];
        }
      } else if (t.r <= 16) {
        kernels.assignSmall(src, st, e0, n, t, dst);
      } else {
        for (int64_t i = 0; i < n; ++i)
          dst[i] = t.nearest(loadD(src, st, e0 + i));
      }
    };
    runParallel(pf, (size_t)units, [&](size_t b, size_t e) {
      uint8_t stage[kIndexChunk];
      for (size_t u = b; u < e; ++u) {
        const int64_t i0 = (int64_t)u * kIndexChunk,
                      i1 = std::min(nIdx, i0 + kIndexChunk);
        int64_t c = g.channelOf(i0), ii = i0 % g.In;
        for (int64_t i = i0; i < i1;) {
          const int64_t s = p.perChannelScale ? c : c / g.gc;
          const int64_t setEnd = p.perChannelScale ? c + 1 : (s + 1) * g.gc;
          const int64_t len = std::min(i1 - i, (setEnd - c) * g.In - ii);
          assignRun(i, len, s, stage + (i - i0));
          i += len;
          // Next run: the channel after this set (wrapping to the next o).
          const int64_t adv = ii + len; // positions from channel c's start
          c += adv / g.In;
          ii = adv % g.In;
          if (c >= g.C)
            c -= g.C;
        }
        packCodes(stage, i0, i1 - i0, p.nBits, idxOut);
      }
    });
  } else {
    const int cd = (int)g.cd;
    runParallel(pf, (size_t)units, [&](size_t b, size_t e) {
      uint8_t stage[kIndexChunk];
      const int P = (int)g.P;
      const int64_t cvs = g.C / cd, vectorsPerGroup = g.gc / cd;
      std::vector<float> xs((size_t)kIndexChunk * cd); // exact in f32
      std::vector<double> entT((size_t)P * cd);
      for (size_t u = b; u < e; ++u) {
        const int64_t i0 = (int64_t)u * kIndexChunk,
                      i1 = std::min(nIdx, i0 + kIndexChunk);
        // Vector v = (o * cvs + cv) * In + i; counters from i0 on. The
        // vectors of one set are gathered, then searched together.
        int64_t i = i0 % g.In, cv = (i0 / g.In) % cvs, o = i0 / (g.In * cvs);
        int64_t set = -1, runStart = i0;
        auto search = [&](int64_t end) {
          kernels.nearestMany(xs.data() + (runStart - i0) * cd,
                              end - runStart, entT.data(), P, cd,
                              stage + (runStart - i0));
        };
        for (int64_t v = i0; v < i1; ++v) {
          if (cv / vectorsPerGroup != set) {
            if (set >= 0)
              search(v);
            runStart = v;
            // The set's entries, component-major (entT[c * P + j]).
            set = cv / vectorsPerGroup;
            const double *ent = dec.set(set);
            for (int j = 0; j < P; ++j)
              for (int c = 0; c < cd; ++c)
                entT[(size_t)c * P + j] = ent[j * cd + c];
          }
          const int64_t base = (o * g.C + cv * cd) * g.In + i;
          float *x = xs.data() + (v - i0) * cd;
          for (int c = 0; c < cd; ++c)
            x[c] = loadSrc(src, st, base + c * g.In);
          if (++i == g.In) {
            i = 0;
            if (++cv == cvs) {
              cv = 0;
              ++o;
            }
          }
        }
        search(i1);
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

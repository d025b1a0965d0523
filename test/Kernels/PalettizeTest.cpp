//===- PalettizeTest.cpp - Tests of the palettization kernels -------------===//
//
// Checks palettize() against independent transcriptions of
// docs/spec/PALETTIZE_WEIGHTS.md written here: the grid q(x), the groups,
// the per-channel scale, an exact O(k n^2) dynamic programme (long double,
// two-pass cluster costs), the LUT rounding and quantization formulas, the
// runtime's decoding, and the LSB-first bit stream.
//
//   coreai-palettize-test             run all tests
//   coreai-palettize-test --quick     skip the slowest cases
//   coreai-palettize-test --palettize <f32|f16|bf16> <d0,d1,...> <axis>
//        <groups> <cluster dim> <n_bits> <none|si8|ui8|f8e4m3fn|f8e5m2>
//        <pcs 0|1>
//        The weight's raw little-endian bytes on stdin; stdout: the packed
//        indices, the LUT bytes, the scale bytes, per group the clustering's
//        SSE (f64), then the decoded weight (decodePalettized()); nothing on
//        failure (exit status 3).
//
//===----------------------------------------------------------------------===//
#include "coreai/Kernels/Packing.h"
#include "coreai/Kernels/Palettize.h"

#include "TestSupport.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace coreai::kernels;

//===----------------------------------------------------------------------===//
// Independent references
//===----------------------------------------------------------------------===//

/// x rounded to `bits` significant bits, half to even (frexp based).
static double roundSig(double x, int bits) {
  if (x == 0 || !std::isfinite(x))
    return x;
  int e;
  const double m = std::frexp(x, &e); // |m| in [0.5, 1)
  return std::ldexp(std::nearbyint(std::ldexp(m, bits)), e - bits);
}
static double refGrid(double x) { return x == 0 ? 0.0 : roundSig(x, 11); }

/// Rounding to a weight type: f32 and f16 through the compiler's
/// conversions from double; bf16 here (8 significant bits, f32's exponent
/// range with subnormal steps of 2^-133).
static double refRound(double d, SrcType t) {
  switch (t) {
  case SrcType::F32:
    return (double)(float)d;
  case SrcType::F16:
    return (double)(_Float16)d;
  case SrcType::BF16: {
    if (d == 0 || !std::isfinite(d))
      return d;
    double r;
    if (std::fabs(d) < 0x1p-126)
      r = std::nearbyint(std::ldexp(d, 133)) * 0x1p-133;
    else
      r = roundSig(d, 8);
    return std::fabs(r) > 0x1.fep127 ? std::copysign(INFINITY, d) : r;
  }
  }
  return d;
}
static double smallestNormal(SrcType t) {
  return t == SrcType::F16 ? 0x1p-14 : 0x1p-126;
}
static double smallestSubnormal(SrcType t) {
  return t == SrcType::F32 ? 0x1p-149 : t == SrcType::F16 ? 0x1p-24 : 0x1p-133;
}
static int elemSize(SrcType t) { return t == SrcType::F32 ? 4 : 2; }

/// Bits of a value of the type (exact).
static void storeT(std::vector<uint8_t> &buf, int64_t i, double v, SrcType t) {
  if (t == SrcType::F32) {
    float f = (float)v;
    std::memcpy(&buf[4 * i], &f, 4);
  } else if (t == SrcType::F16) {
    _Float16 h = (_Float16)v;
    std::memcpy(&buf[2 * i], &h, 2);
  } else {
    float f = (float)v;
    uint32_t u;
    std::memcpy(&u, &f, 4);
    uint16_t h = (uint16_t)(u >> 16);
    std::memcpy(&buf[2 * i], &h, 2);
  }
}
static double loadT(const uint8_t *buf, int64_t i, SrcType t) {
  if (t == SrcType::F32) {
    float f;
    std::memcpy(&f, buf + 4 * i, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, buf + 2 * i, 2);
  if (t == SrcType::F16) {
    _Float16 v;
    std::memcpy(&v, &h, 2);
    return (double)v;
  }
  uint32_t u = (uint32_t)h << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// FP8 code value from the format's fields.
static double refFp8(uint8_t code, QType t) {
  const int mant = t == QType::F8E4M3FN ? 3 : 2, bias = t == QType::F8E4M3FN ? 7 : 15;
  const int e = (code >> mant) & ((1 << (7 - mant)) - 1), m = code & ((1 << mant) - 1);
  double v = e ? std::ldexp(1.0 + m / (double)(1 << mant), e - bias)
               : std::ldexp(m / (double)(1 << mant), 1 - bias);
  return code & 0x80 ? -v : v;
}
static double refCodeValue(uint8_t code, QType t) {
  if (t == QType::SI8)
    return (int8_t)code;
  if (t == QType::UI8)
    return code;
  return refFp8(code, t);
}

/// The weight viewed as [O, C, In].
struct Geo {
  int64_t O = 1, C = 1, In = 1, G = 1, gc = 1, cd = 1, N = 1, P = 2;
  Geo(const PaletteLayout &l, int nBits) {
    for (int i = 0; i < (int)l.shape.size(); ++i)
      (i < l.axis ? O : i > l.axis ? In : C) *= l.shape[i];
    G = l.numGroups;
    gc = C / G;
    cd = l.clusterDim;
    N = O * C * In;
    P = 1 << nBits;
  }
  int64_t chan(int64_t e) const { return (e / In) % C; }
  int64_t group(int64_t e) const { return chan(e) / gc; }
};

/// Exact optimal weighted 1-D k-means SSE: O(k n^2) over all partitions,
/// cluster costs from long double prefix sums of mean-centred values.
static long double oracleSSE(const std::vector<double> &v,
                             const std::vector<double> &w, int k) {
  const int n = (int)v.size();
  long double sw = 0, sv = 0;
  for (int i = 0; i < n; ++i) {
    sw += w[i];
    sv += (long double)w[i] * v[i];
  }
  const long double mu = sv / sw;
  std::vector<long double> W(n + 1, 0), S1(n + 1, 0), S2(n + 1, 0);
  for (int i = 0; i < n; ++i) {
    const long double u = v[i] - mu;
    W[i + 1] = W[i] + w[i];
    S1[i + 1] = S1[i] + w[i] * u;
    S2[i + 1] = S2[i] + w[i] * u * u;
  }
  auto cost = [&](int a, int b) {
    const long double s = S1[b] - S1[a];
    return std::max((long double)0, (S2[b] - S2[a]) - s * s / (W[b] - W[a]));
  };
  std::vector<long double> D(n + 1, INFINITY), E(n + 1);
  for (int b = 1; b <= n; ++b)
    D[b] = cost(0, b);
  for (int m = 2; m <= k; ++m) {
    std::fill(E.begin(), E.end(), (long double)INFINITY);
    for (int b = m; b <= n; ++b)
      for (int a = m - 1; a < b; ++a)
        E[b] = std::min(E[b], D[a] + cost(a, b));
    D.swap(E);
  }
  return D[n];
}

/// SSE of a partition (two-pass, long double).
static long double partitionSSE(const std::vector<double> &v,
                                const std::vector<double> &w,
                                const std::vector<int64_t> &start, int k) {
  long double s = 0;
  for (int j = 0; j < k; ++j) {
    const int64_t a = start[j], b = j + 1 < k ? start[j + 1] : (int64_t)v.size();
    long double sw = 0, sv = 0;
    for (int64_t i = a; i < b; ++i) {
      sw += w[i];
      sv += (long double)w[i] * v[i];
    }
    for (int64_t i = a; i < b; ++i)
      s += w[i] * (v[i] - sv / sw) * (v[i] - sv / sw);
  }
  return s;
}

/// What the runtime computes for scale s, data value d, zero point z
/// (spec §5, measured: two roundings when the scale's block is 1 on every
/// axis but the last, else one; bf16 in f32, then rounded).
static double refDecode(double s, double d, double z, SrcType t,
                        bool separate) {
  if (t == SrcType::BF16)
    return refRound((double)(float)((float)(s * d) - (float)(s * z)), t);
  if (!separate)
    return refRound(s * (d - z), t);
  return refRound(refRound(s * d, t) - refRound(s * z, t), t);
}

static bool refSeparate(const std::vector<int64_t> &shape,
                        const std::vector<int64_t> &scaleShape) {
  for (size_t i = 0; i + 1 < shape.size(); ++i)
    if (scaleShape[i] != shape[i])
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Running palettize
//===----------------------------------------------------------------------===//

struct Run {
  QuantResult r;
  PaletteSizes sizes;
  std::vector<uint8_t> indices, lut, scale;
  PaletteDiagnostics diag;
  bool operator==(const Run &o) const {
    return r.status == o.r.status && indices == o.indices && lut == o.lut &&
           scale == o.scale && diag.clusters == o.diag.clusters &&
           diag.lutF64 == o.diag.lutF64 && diag.clusterSSE == o.diag.clusterSSE;
  }
};

static Run runPal(const std::vector<uint8_t> &src, SrcType st,
                  const PaletteLayout &l, const PaletteParams &p,
                  const ParallelFor &pf = nullptr,
                  Isa isa = activeIsa()) {
  Run o;
  o.sizes = paletteSizes(l, st, p);
  // One sentinel byte past each buffer: nothing may be written there.
  o.indices.assign(o.sizes.indexBytes + 1, 0xA5);
  o.lut.assign(o.sizes.lutBytes + 1, 0xA5);
  o.scale.assign(o.sizes.scaleBytes + 1, 0xA5);
  o.r = palettizeWithIsa(isa, src.data(), st, l, p,
                         {o.indices.data(), o.lut.data(), o.scale.data()}, pf,
                         &o.diag);
  if (o.r.status == Status::Ok)
    CHECK(o.indices.back() == 0xA5 && o.lut.back() == 0xA5 &&
              o.scale.back() == 0xA5,
          "write past an output buffer");
  return o;
}

static std::vector<uint8_t> toSrc(const std::vector<double> &v, SrcType st) {
  std::vector<uint8_t> out(v.size() * elemSize(st));
  for (size_t i = 0; i < v.size(); ++i)
    storeT(out, i, refRound(v[i], st), st);
  return out;
}

static std::string describe(const PaletteLayout &l, const PaletteParams &p,
                            SrcType st) {
  std::string s = std::string(srcName(st)) + " [";
  for (size_t i = 0; i < l.shape.size(); ++i)
    s += std::to_string(l.shape[i]) + (i + 1 < l.shape.size() ? "x" : "");
  s += "] axis " + std::to_string(l.axis) + " G " +
       std::to_string(l.numGroups) + " cd " + std::to_string(l.clusterDim) +
       " n " + std::to_string(p.nBits);
  if (p.lutType)
    s += " lut " + std::to_string((int)*p.lutType);
  if (p.perChannelScale)
    s += " pcs";
  return s;
}

//===----------------------------------------------------------------------===//
// The full check of one palettization against the references
//===----------------------------------------------------------------------===//

/// Checks every output of `o` for weight `w` (values of type st).
static void checkRun(const Run &o, const std::vector<double> &w, SrcType st,
                     const PaletteLayout &l, const PaletteParams &p,
                     bool exactNearest, const std::string &what) {
  CHECK(o.r.status == Status::Ok, "%s: status %d", what.c_str(),
        (int)o.r.status);
  if (o.r.status != Status::Ok)
    return;
  const Geo g(l, p.nBits);
  const int64_t width = g.P * g.cd;

  // Per-channel scale.
  std::vector<double> pcs(g.C, 1.0);
  if (p.perChannelScale) {
    std::vector<double> amax(g.C, 0.0);
    for (int64_t e = 0; e < g.N; ++e)
      amax[g.chan(e)] = std::max(amax[g.chan(e)], std::fabs(w[e]));
    for (int64_t c = 0; c < g.C; ++c)
      pcs[c] = amax[c] == 0 ? 1.0 : std::max(amax[c], smallestNormal(st));
  }

  // Clustering: per group, the grid histogram and the exact optimum.
  if (g.cd == 1) {
    for (int64_t grp = 0; grp < g.G; ++grp) {
      std::map<double, std::pair<double, double>> h; // q -> (count, sum x)
      for (int64_t e = 0; e < g.N; ++e)
        if (g.group(e) == grp) {
          const double x = w[e] / pcs[g.chan(e)];
          auto &c = h[refGrid(x)];
          c.first += 1;
          c.second += x;
        }
      std::vector<double> v, cnt;
      for (auto &kv : h) {
        v.push_back(kv.first);
        cnt.push_back(kv.second.first);
      }
      const int k = (int)std::min<int64_t>((int64_t)v.size(), g.P);
      CHECK(o.diag.clusters[grp] == k, "%s: group %lld has %d clusters, not %d",
            what.c_str(), (long long)grp, o.diag.clusters[grp], k);
      if (v.size() <= 600) {
        const long double ref = oracleSSE(v, cnt, k);
        long double tot = 0, mean = 0, sw = 0;
        for (size_t i = 0; i < v.size(); ++i) {
          sw += cnt[i];
          mean += cnt[i] * v[i];
        }
        mean /= sw;
        for (size_t i = 0; i < v.size(); ++i)
          tot += cnt[i] * (v[i] - mean) * (v[i] - mean);
        const double got = o.diag.clusterSSE[grp];
        CHECK(std::fabs((long double)got - ref) <= 1e-9L * ref + 1e-13L * tot,
              "%s: group %lld SSE %.17g, optimum %.17Lg", what.c_str(),
              (long long)grp, got, ref);
      }
      // Fewer distinct grid values than entries: one cluster each, the
      // entry the mean of its x, the rest 0.
      if ((int64_t)v.size() < g.P) {
        int j = 0;
        bool ok = true;
        for (auto &kv : h) {
          const double mean = kv.second.second / kv.second.first;
          ok &= std::fabs(o.diag.lutF64[grp * width + j] - mean) <=
                1e-15 * std::fabs(mean);
          ++j;
        }
        for (; j < g.P; ++j)
          ok &= o.diag.lutF64[grp * width + j] == 0;
        CHECK(ok, "%s: group %lld: LUT of a group with few values",
              what.c_str(), (long long)grp);
      }
      bool asc = true;
      for (int j = 1; j < k; ++j)
        asc &= o.diag.lutF64[grp * width + j - 1] < o.diag.lutF64[grp * width + j];
      CHECK(asc, "%s: group %lld: LUT not ascending", what.c_str(),
            (long long)grp);
    }
  }

  // The stored LUT and scale.
  std::vector<double> scaleRef; // the stored scale values
  std::vector<double> lutData(g.G * width); // stored data values of entries
  if (!p.lutType) {
    bool ok = true;
    for (int64_t i = 0; i < g.G * width; ++i) {
      lutData[i] = refRound(o.diag.lutF64[i], st);
      ok &= loadT(o.lut.data(), i, st) == lutData[i];
    }
    CHECK(ok, "%s: float LUT is not the rounded f64 LUT", what.c_str());
    if (p.perChannelScale)
      scaleRef = pcs;
  } else {
    const QType q = *p.lutType;
    const bool fp = q == QType::F8E4M3FN || q == QType::F8E5M2;
    const float fmax = q == QType::F8E4M3FN ? 448.f : 57344.f;
    std::vector<double> groupScale(g.G);
    bool ok = true;
    for (int64_t grp = 0; grp < g.G; ++grp) {
      std::vector<float> e(width);
      float amax = 0;
      for (int64_t j = 0; j < width; ++j) {
        e[j] = (float)o.diag.lutF64[grp * width + j];
        amax = std::max(amax, std::fabs(e[j]));
      }
      float s = fp ? (2.f * amax + 1e-6f) / (2.f * fmax)
                   : (2.f * amax + 1e-6f) / 254.f;
      double sT = refRound(s, st);
      if (sT < smallestNormal(st))
        sT = smallestNormal(st);
      groupScale[grp] = sT;
      std::vector<uint8_t> codes(width);
      if (fp) {
        std::vector<float> y(width);
        for (int64_t j = 0; j < width; ++j)
          y[j] = e[j] / (float)sT;
        ok &= encodeFloatCodes(q, y.data(), width, codes.data()) == Status::Ok;
      } else {
        for (int64_t j = 0; j < width; ++j) {
          float r = std::nearbyint(e[j] / (float)sT);
          if (q == QType::UI8)
            r = std::min(254.f, std::max(0.f, r + 127.f));
          else
            r = std::min(127.f, std::max(-127.f, r));
          codes[j] = (uint8_t)(int)r;
        }
      }
      for (int64_t j = 0; j < width; ++j) {
        ok &= o.lut[grp * width + j] == codes[j];
        lutData[grp * width + j] = refCodeValue(codes[j], q);
      }
    }
    CHECK(ok, "%s: LUT codes differ from the formulas", what.c_str());
    if (p.perChannelScale) {
      scaleRef.resize(g.C);
      for (int64_t c = 0; c < g.C; ++c)
        scaleRef[c] = std::max(refRound(groupScale[c / g.gc] * pcs[c], st),
                               smallestSubnormal(st));
    } else {
      scaleRef = groupScale;
    }
  }
  if (!scaleRef.empty()) {
    bool ok = (int64_t)scaleRef.size() == o.sizes.scaleCount;
    for (size_t i = 0; ok && i < scaleRef.size(); ++i)
      ok = loadT(o.scale.data(), i, st) == scaleRef[i];
    CHECK(ok, "%s: stored scale", what.c_str());
  }

  // Decoded entries per set, as the runtime computes them.
  const bool separate =
      !scaleRef.empty() &&
      refSeparate(l.shape.empty() ? std::vector<int64_t>{1} : l.shape,
                  o.sizes.scaleShape);
  const double z = p.lutType == QType::UI8 ? 127.0 : 0.0;
  auto decoded = [&](int64_t e, int64_t j) { // element e, entry j (cd == 1)
    const int64_t c = g.chan(e), grp = c / g.gc;
    const double d = lutData[grp * width + j];
    if (scaleRef.empty())
      return d;
    return refDecode(scaleRef[p.perChannelScale ? c : grp], d, z, st, separate);
  };

  // Indices: nearest decoded entry, ties to the lowest index.
  std::vector<uint8_t> dec(g.N * elemSize(st));
  CHECK(decodePalettized(l, st, p, o.indices.data(), o.lut.data(),
                         o.scale.data(), dec.data()) == Status::Ok,
        "%s: decode", what.c_str());
  bool nearestOk = true, decodeOk = true;
  if (g.cd == 1) {
    for (int64_t e = 0; e < g.N && nearestOk; ++e) {
      const int idx = unpackCode(o.indices.data(), e, p.nBits);
      const long double x = w[e];
      const long double dIdx = std::fabs(x - (long double)decoded(e, idx));
      for (int j = 0; j < g.P; ++j) {
        const long double dj = std::fabs(x - (long double)decoded(e, j));
        if (exactNearest ? (dj < dIdx || (dj == dIdx && j < idx))
                         : dj < dIdx * (1 - 1e-12L)) {
          nearestOk = false;
          std::printf("  element %lld = %.9g: index %d (%.9g) but %d (%.9g)\n",
                      (long long)e, w[e], idx, decoded(e, idx), j,
                      decoded(e, j));
          break;
        }
      }
      decodeOk &= loadT(dec.data(), e, st) == decoded(e, idx);
    }
  } else {
    const int64_t cv = g.C / g.cd;
    for (int64_t v = 0; v < g.N / g.cd && nearestOk; ++v) {
      const int64_t o0 = v / (cv * g.In), r = v % (cv * g.In);
      const int64_t base = o0 * g.C * g.In + (r / g.In) * g.cd * g.In + r % g.In;
      const int64_t grp = g.group(base);
      const int idx = unpackCode(o.indices.data(), v, p.nBits);
      auto ent = [&](int j, int t) {
        const double d = lutData[(grp * g.P + j) * g.cd + t];
        return scaleRef.empty()
                   ? d
                   : refDecode(scaleRef[grp], d, z, st, separate);
      };
      auto dist = [&](int j) {
        long double s = 0;
        for (int t = 0; t < g.cd; ++t) {
          const long double q = w[base + t * g.In] - (long double)ent(j, t);
          s += q * q;
        }
        return s;
      };
      const long double dIdx = dist(idx);
      for (int j = 0; j < g.P; ++j)
        if (dist(j) < dIdx * (1 - 1e-12L)) {
          nearestOk = false;
          std::printf("  vector %lld: index %d but %d is nearer\n",
                      (long long)v, idx, j);
          break;
        }
      for (int t = 0; t < g.cd; ++t)
        decodeOk &= loadT(dec.data(), base + t * g.In, st) == ent(idx, t);
    }
  }
  CHECK(nearestOk, "%s: an index is not the nearest decoded entry",
        what.c_str());
  CHECK(decodeOk, "%s: decodePalettized differs from the reference decode",
        what.c_str());
  // Padding bits of the last index byte are zero.
  const int64_t bits = (g.N / g.cd) * p.nBits;
  if (bits % 8)
    CHECK((o.indices[o.sizes.indexBytes - 1] >> (bits % 8)) == 0,
          "%s: index padding bits", what.c_str());
}

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

// Bit streams of every width: hand-checked bytes, round trips, packing in
// pieces, fills.
static void testPacking() {
  auto packed = [](std::vector<uint8_t> c, int bits) {
    std::vector<uint8_t> out(packedBytesForBits(bits, c.size()), 0xee);
    packCodes(c.data(), 0, c.size(), bits, out.data());
    return out;
  };
  CHECK((packed({1, 2}, 4) == std::vector<uint8_t>{0x21}), "ui4");
  CHECK((packed({1, 2, 3, 0}, 2) == std::vector<uint8_t>{0x39}), "ui2");
  CHECK((packed({1, 0, 1, 1, 0, 0, 0, 0, 1}, 1) ==
         std::vector<uint8_t>{0x0d, 0x01}),
        "ui1");
  CHECK((packed({1, 2, 3, 4, 5, 6, 7, 0}, 3) ==
         std::vector<uint8_t>{0xd1, 0x58, 0x1f}),
        "ui3");
  CHECK((packed({1, 2, 3, 4}, 6) == std::vector<uint8_t>{0x81, 0x30, 0x10}),
        "ui6");
  CHECK((packed({7, 7}, 3) == std::vector<uint8_t>{0x3f}), "ui3 padding");
  CHECK((packed({63, 63}, 6) == std::vector<uint8_t>{0xff, 0x0f}),
        "ui6 padding");

  Rng rng{11};
  for (int bits : {1, 2, 3, 4, 6, 8}) {
    bool ok = true;
    for (int trial = 0; trial < 300 && ok; ++trial) {
      const int64_t n = trial < 100 ? trial : 1 + rng.range(5000);
      std::vector<uint8_t> c(n);
      for (auto &x : c)
        x = (uint8_t)(rng.next() & ((1u << bits) - 1));
      // Reference writer, bit by bit.
      std::vector<uint8_t> ref(packedBytesForBits(bits, n), 0);
      for (int64_t i = 0; i < n; ++i)
        for (int b = 0; b < bits; ++b)
          if (c[i] >> b & 1)
            ref[(i * bits + b) / 8] |= (uint8_t)(1u << ((i * bits + b) % 8));
      ok &= packed(c, bits) == ref;
      for (int64_t i = 0; i < n; ++i)
        ok &= unpackCode(ref.data(), i, bits) == c[i];
      // In pieces at random cuts (each piece ORs into the byte the previous
      // one left partial).
      std::vector<uint8_t> pieces(ref.size(), 0xee);
      int64_t at = 0;
      while (at < n) {
        const int64_t len = std::min<int64_t>(n - at, 1 + rng.range(40));
        packCodes(c.data() + at, at, len, bits, pieces.data());
        at += len;
      }
      ok &= n == 0 || pieces == ref;
      // Fill.
      const uint8_t code = c.empty() ? 1 : c[0];
      std::vector<uint8_t> fill(ref.size(), 0xee), fref(ref.size(), 0);
      fillPacked(fill.data(), n, code, bits);
      std::vector<uint8_t> same(n, code);
      if (n)
        packCodes(same.data(), 0, n, bits, fref.data());
      ok &= fill == fref;
    }
    CHECK(ok, "bit stream round trips, %d bits", bits);
  }
  CHECK(isPackableBits(3) && isPackableBits(6) && !isPackableBits(5) &&
            !isPackableBits(16),
        "isPackableBits");
}

static void testGrid() {
  Rng rng{21};
  bool ok = true;
  for (int i = 0; i < 200000 && ok; ++i) {
    double x;
    if (i % 3 == 0) {
      x = rng.normal() * std::ldexp(1.0, rng.range(300) - 150);
    } else if (i % 3 == 1) {
      // Exact ties: 12 significant bits ending in 1.
      x = std::ldexp((double)((rng.range(2048) | 1) + 2048) *
                         (rng.range(2) ? 1 : -1),
                     rng.range(200) - 100);
    } else {
      float f;
      uint32_t u = (uint32_t)rng.next();
      std::memcpy(&f, &u, 4);
      if (!std::isfinite(f))
        continue;
      x = f;
    }
    ok &= gridValue(x) == refGrid(x);
    if (!ok)
      std::printf("  q(%.17g) = %.17g, expected %.17g\n", x, gridValue(x),
                  refGrid(x));
  }
  CHECK(ok, "q(x) equals the frexp reference");
  CHECK(gridValue(-0.0) == 0 && !std::signbit(gridValue(-0.0)), "q(-0) = +0");
  CHECK(gridValue(1 + 0x1p-11) == 1 && gridValue(1 + 3 * 0x1p-11) == 1 + 0x1p-9,
        "ties to even");
  // f16 values are grid values.
  bool f16ok = true;
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    _Float16 v;
    uint16_t b = (uint16_t)h;
    std::memcpy(&v, &b, 2);
    f16ok &= gridValue((double)v) == (double)v;
  }
  CHECK(f16ok, "every finite f16 value is a grid value");
}

// optimalKMeans1D against the exact O(k n^2) programme, on every path.
static void testOptimal1D() {
  Rng rng{31};
  for (Isa isa : availableIsas()) {
    setActiveIsa(isa);
    int bad = 0;
    for (int trial = 0; trial < 1500; ++trial) {
      const int mode = trial % 8;
      const int n = 1 + rng.range(trial < 1000 ? 40 : trial < 1400 ? 120 : 400);
      std::vector<double> v, w;
      std::map<double, double> pts;
      for (int i = 0; i < n; ++i) {
        double x;
        switch (mode) {
        case 0: x = rng.normal(); break;
        case 1: x = rng.range(12); break;              // many duplicates
        case 2: x = (rng.range(4) - 2) * 10 + rng.normal() * 0.01; break;
        case 3: x = rng.range(50) * 0.25; break;       // equal spacing: ties
        case 4: x = rng.normal() * 1e30; break;        // huge
        case 5: x = rng.normal() * 1e-30; break;       // tiny
        case 6: x = rng.normal() * std::pow(10.0, rng.range(40) - 20); break;
        default: x = std::exp(rng.normal() * 3); break; // skewed
        }
        pts[x] += 1 + (mode == 7 ? rng.range(5) : 0);
      }
      for (auto &kv : pts) {
        v.push_back(kv.first);
        w.push_back(kv.second);
      }
      const int nd = (int)v.size();
      // k >= 32 also goes through the Lagrangian relaxation first.
      for (int k : {1, 2, 3, 4, 7, 8, 16, 32, 40, 64, 100}) {
        if (k > nd)
          continue;
        std::vector<int64_t> start(k);
        const double got = optimalKMeans1D(v.data(), w.data(), nd, k, start.data());
        const long double ref = oracleSSE(v, w, k);
        bool valid = start[0] == 0;
        for (int j = 1; j < k; ++j)
          valid &= start[j] > start[j - 1] && start[j] < nd;
        const long double part = valid ? partitionSSE(v, w, start, k) : 0;
        long double tot = oracleSSE(v, w, 1);
        const bool ok = valid &&
                        std::fabs(part - ref) <= 1e-9L * ref + 1e-13L * tot &&
                        std::fabs((long double)got - ref) <= 1e-9L * ref + 1e-13L * tot;
        if (!ok && ++bad <= 5)
          std::printf("  %s mode %d n %d k %d: got %.17g partition %.17Lg "
                      "optimum %.17Lg\n",
                      isaName(isa), mode, nd, k, got, part, ref);
        CHECK(ok, "%s: optimal 1-D k-means", isaName(isa));
      }
    }
  }
  setActiveIsa(availableIsas().back());
  // k == n and k == 1.
  std::vector<double> v = {1, 2, 4}, w = {1, 1, 1};
  std::vector<int64_t> s(3);
  CHECK(optimalKMeans1D(v.data(), w.data(), 3, 3, s.data()) == 0 && s[1] == 1 &&
            s[2] == 2,
        "k == n");
  CHECK(std::fabs(optimalKMeans1D(v.data(), w.data(), 3, 1, s.data()) -
                  14.0 / 3) < 1e-12,
        "k == 1");
}

static std::vector<double> gaussian(int64_t n, Rng &rng, double sd = 0.02) {
  std::vector<double> v(n);
  for (auto &x : v)
    x = rng.normal() * sd;
  return v;
}

// Every configuration on small weights, checked in full.
static void testConfigurations(bool quick) {
  Rng rng{41};
  struct Shape {
    std::vector<int64_t> shape;
    int axis;
  };
  const std::vector<Shape> shapes = {
      {{24, 20}, 0}, {{20, 24}, 1}, {{4, 6, 8}, 1}, {{8, 3, 2, 2}, 0},
      {{48}, 0},     {{2, 16, 5}, 2}};
  std::vector<std::optional<QType>> lutTypes = {
      std::nullopt, QType::SI8, QType::UI8, QType::F8E4M3FN, QType::F8E5M2};
  int count = 0;
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16})
    for (const Shape &sh : shapes) {
      const int64_t C = sh.shape[sh.axis];
      for (int64_t G : {(int64_t)1, C / 4 ? C / 4 : 1, C})
        for (int64_t cd : {1, 2, 4})
          for (int nBits : {1, 2, 3, 4, 6, 8})
            for (auto lt : lutTypes)
              for (bool pcs : {false, true}) {
                if (C % G || (C / G) % cd || (pcs && cd > 1))
                  continue;
                if (quick && (count++ % 3))
                  continue;
                PaletteLayout l{sh.shape, sh.axis, G, cd};
                PaletteParams p;
                p.nBits = nBits;
                p.lutType = lt;
                p.perChannelScale = pcs;
                int64_t N = l.numElements();
                std::vector<double> w = gaussian(N, rng);
                if (pcs) // rows of very different magnitudes
                  for (int64_t e = 0; e < N; ++e)
                    w[e] *= std::exp((double)(Geo(l, nBits).chan(e) % 5) - 2);
                for (auto &x : w)
                  x = refRound(x, st);
                const std::vector<uint8_t> src = toSrc(w, st);
                const Run o = runPal(src, st, l, p);
                checkRun(o, w, st, l, p, true, describe(l, p, st));
              }
    }
}

// Values that stress the arithmetic: duplicates, constant groups, huge and
// tiny magnitudes, values beyond f16's range, fewer values than entries.
static void testHardValues() {
  Rng rng{51};
  auto check = [&](std::vector<double> w, SrcType st, const PaletteLayout &l,
                   PaletteParams p, bool exact, const char *name) {
    for (auto &x : w)
      x = refRound(x, st);
    const Run o = runPal(toSrc(w, st), st, l, p);
    checkRun(o, w, st, l, p, exact, std::string(name) + " " + describe(l, p, st));
  };
  PaletteLayout perTensor{{16, 32}, 0, 1, 1}, perChan{{16, 32}, 0, 16, 1};
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16})
    for (int nBits : {1, 3, 4, 8})
      for (auto lt : {std::optional<QType>(), std::optional<QType>(QType::UI8),
                      std::optional<QType>(QType::F8E5M2)}) {
        PaletteParams p;
        p.nBits = nBits;
        p.lutType = lt;
        std::vector<double> w(512);
        for (auto &x : w) // few distinct values
          x = (rng.range(5) - 2) * 0.5;
        check(w, st, perTensor, p, true, "five values");
        check(w, st, perChan, p, true, "five values");
        std::fill(w.begin(), w.end(), 0.75);
        check(w, st, perTensor, p, true, "constant");
        std::fill(w.begin(), w.end(), 0.0);
        check(w, st, perChan, p, true, "zeros");
        for (auto &x : w)
          x = rng.normal() * 1e-6; // tiny (subnormal in f16)
        check(w, st, perTensor, p, true, "tiny");
        for (size_t i = 0; i < w.size(); ++i)
          w[i] = (i % 3 ? 1 : -1) * (double)(i % 7) * 0.125;
        check(w, st, perChan, p, true, "ties");
        p.perChannelScale = true;
        for (size_t i = 0; i < w.size(); ++i)
          w[i] = rng.normal() * std::ldexp(1.0, (int)(i / 32) - 8);
        check(w, st, perChan, p, true, "pcs rows");
        check(w, st, perTensor, p, true, "pcs rows");
      }
  // f32 only: magnitudes beyond f16 and very wide ranges.
  for (int nBits : {2, 4, 6}) {
    PaletteParams p;
    p.nBits = nBits;
    std::vector<double> w(512);
    for (auto &x : w)
      x = rng.normal() * 1e6;
    check(w, SrcType::F32, perTensor, p, true, "huge");
    for (auto &x : w)
      x = rng.normal() * 1e35;
    check(w, SrcType::F32, perChan, p, true, "huger");
    for (auto &x : w)
      x = rng.normal() * std::pow(10.0, rng.range(60) - 30);
    check(w, SrcType::F32, perTensor, p, false, "wide");
    p.lutType = QType::SI8;
    for (auto &x : w)
      x = rng.normal() * 1e-40; // f32 subnormals
    check(w, SrcType::F32, perChan, p, true, "f32 subnormal");
  }
}

static void testErrors() {
  std::vector<double> w(64, 0.5);
  w[20] = NAN;
  w[40] = INFINITY;
  PaletteLayout l{{8, 8}, 0, 1, 1};
  PaletteParams p;
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16}) {
    std::vector<uint8_t> src(64 * elemSize(st));
    for (int i = 0; i < 64; ++i)
      storeT(src, i, w[i], st);
    Run o = runPal(src, st, l, p);
    CHECK(o.r.status == Status::NonFinite && o.r.firstBadElement == 20,
          "%s: NaN: status %d at %lld", srcName(st), (int)o.r.status,
          (long long)o.r.firstBadElement);
    storeT(src, 20, 0.25, st);
    o = runPal(src, st, l, p, threadPool(3));
    CHECK(o.r.status == Status::NonFinite && o.r.firstBadElement == 40,
          "%s: Inf", srcName(st));
  }
  // A big f32 group (its NaN/Inf check is part of the first pass): the
  // first bad element, on every path and thread count.
  {
    const PaletteLayout big{{1100, 1000}, 0, 1, 1};
    std::vector<double> wb(1100 * 1000, 0.5);
    wb[900001] = INFINITY;
    wb[1000003] = NAN;
    std::vector<uint8_t> sb(wb.size() * 4);
    for (size_t i = 0; i < wb.size(); ++i)
      storeT(sb, (int64_t)i, wb[i], SrcType::F32);
    for (Isa isa : availableIsas())
      for (int t = 1; t <= 3; ++t) {
        const Run o = runPal(sb, SrcType::F32, big, p,
                             t > 1 ? threadPool(t) : ParallelFor(), isa);
        CHECK(o.r.status == Status::NonFinite &&
                  o.r.firstBadElement == 900001,
              "big f32 group, %s, %d threads: status %d at %lld",
              isaName(isa), t, (int)o.r.status,
              (long long)o.r.firstBadElement);
      }
  }
  std::vector<uint8_t> src(64 * 4, 0);
  auto status = [&](PaletteLayout l2, PaletteParams p2) {
    return runPal(src, SrcType::F32, l2, p2).r.status;
  };
  PaletteParams p5;
  p5.nBits = 5;
  PaletteParams pInt4;
  pInt4.lutType = QType::SI4;
  PaletteParams pPcs;
  pPcs.perChannelScale = true;
  CHECK(status({{8, 8}, 0, 3, 1}, p) == Status::InvalidArgument, "G");
  CHECK(status({{8, 8}, 0, 2, 3}, p) == Status::InvalidArgument, "cd");
  CHECK(status({{8, 8}, 2, 1, 1}, p) == Status::InvalidArgument, "axis");
  CHECK(status({{8, 8}, -1, 1, 1}, p) == Status::InvalidArgument, "axis < 0");
  CHECK(status({{8, 0}, 0, 1, 1}, p) == Status::InvalidArgument, "empty dim");
  CHECK(status(l, p5) == Status::InvalidArgument, "n_bits 5");
  CHECK(status(l, pInt4) == Status::InvalidArgument, "si4 LUT");
  CHECK(status({{8, 8}, 0, 1, 2}, pPcs) == Status::InvalidArgument,
        "pcs with cd > 1");
  CHECK(palettize(src.data(), SrcType::F32, l, p, {nullptr, nullptr, nullptr},
                  nullptr)
                .status == Status::InvalidArgument,
        "null outputs");
  // Scale overflow of a quantized LUT (2 * amax beyond f32).
  std::vector<double> huge(64, 3e38);
  huge[1] = -3e38;
  PaletteParams pq;
  pq.lutType = QType::SI8;
  CHECK(runPal(toSrc(huge, SrcType::F32), SrcType::F32, l, pq).r.status ==
            Status::Overflow,
        "LUT scale overflow");
}

// Sizes, shapes and the measured runtime rounding rule.
static void testShapesAndRules() {
  PaletteLayout l{{64, 128, 3, 3}, 0, 16, 2};
  PaletteParams p;
  p.nBits = 3;
  p.lutType = QType::UI8;
  PaletteSizes s = paletteSizes(l, SrcType::F16, p);
  CHECK(s.indexShape == (std::vector<int64_t>{32, 128, 3, 3}) &&
            s.lutShape == (std::vector<int64_t>{16, 1, 1, 1, 8, 2}) &&
            s.scaleShape == (std::vector<int64_t>{16, 1, 1, 1}) &&
            s.indexBytes == (size_t)(32 * 128 * 9 * 3 + 7) / 8 &&
            s.lutEntries == 16 * 8 * 2 && s.lutBytes == 256 &&
            s.scaleCount == 16 && s.scaleBytes == 32,
        "sizes with a quantized LUT");
  PaletteParams pc;
  pc.perChannelScale = true;
  s = paletteSizes({{256, 512}, 1, 1, 1}, SrcType::F32, pc);
  CHECK(s.scaleShape == (std::vector<int64_t>{1, 512}) && s.scaleCount == 512 &&
            s.lutShape == (std::vector<int64_t>{1, 1, 16, 1}) &&
            s.lutBytes == 64,
        "sizes with a per-channel scale");
  s = paletteSizes({{}, 0, 1, 1}, SrcType::F32, PaletteParams());
  CHECK(s.indexShape == (std::vector<int64_t>{1}) && s.indexBytes == 1 &&
            s.lutShape == (std::vector<int64_t>{1, 16, 1}),
        "rank 0");
  CHECK(lutZeroPointCode(p) == 127 && lutZeroPointCode(PaletteParams()) == 0,
        "zero point");
  // Measured in Apple's runtime (f16 and f32): two roundings exactly when
  // the scale's block size is 1 on every axis but the last.
  struct Case {
    std::vector<int64_t> w, s;
    bool separate;
  };
  const Case cases[] = {
      {{8, 16}, {8, 1}, true},          {{8, 16}, {2, 1}, false},
      {{8, 16}, {1, 16}, false},        {{8, 16}, {1, 1}, false},
      {{8, 16}, {8, 16}, true},         {{8, 16}, {2, 4}, false},
      {{4, 8, 16}, {4, 8, 1}, true},    {{4, 8, 16}, {4, 1, 1}, false},
      {{4, 8, 16}, {1, 8, 1}, false},   {{4, 8, 16}, {4, 8, 4}, true},
      {{2, 3, 4, 32}, {2, 3, 4, 1}, true}, {{2, 3, 4, 32}, {2, 1, 4, 1}, false},
      {{64}, {64}, true},               {{64}, {1}, true},
      {{16, 4, 3, 3}, {16, 1, 1, 1}, false}, {{8, 16, 1}, {8, 1, 1}, false},
      {{8, 1, 16}, {8, 1, 1}, true},    {{1, 16}, {1, 1}, true},
      {{8, 1, 16}, {4, 1, 1}, false}};
  bool ok = true;
  for (const Case &c : cases)
    ok &= (scaleRoundingFor(c.w, c.s) == ScaleRounding::Separate) == c.separate;
  CHECK(ok, "scaleRoundingFor: the measured table");
  // f16: s = 0.007874 (f16), d = 200, z = 127: s*d and s*z rounded apart.
  const double s16 = (double)(_Float16)0.0078735;
  CHECK(decodeScaled(s16, 200, 127, SrcType::F16, ScaleRounding::Separate) ==
                refRound(refRound(s16 * 200, SrcType::F16) -
                             refRound(s16 * 127, SrcType::F16),
                         SrcType::F16) &&
            decodeScaled(s16, 200, 127, SrcType::F16, ScaleRounding::Fused) ==
                refRound(s16 * 73, SrcType::F16),
        "decodeScaled");
  bool codes = true;
  for (int c = 0; c < 256; ++c) {
    codes &= lutCodeValue(QType::SI8, (uint8_t)c) == (int8_t)c &&
             lutCodeValue(QType::UI8, (uint8_t)c) == c;
    const double e4 = lutCodeValue(QType::F8E4M3FN, (uint8_t)c);
    codes &= (c & 0x7f) == 0x7f ? std::isnan(e4) : e4 == refFp8((uint8_t)c, QType::F8E4M3FN);
    const double e5 = lutCodeValue(QType::F8E5M2, (uint8_t)c);
    codes &= (c & 0x7c) == 0x7c ? !std::isfinite(e5) : e5 == refFp8((uint8_t)c, QType::F8E5M2);
  }
  CHECK(codes, "lutCodeValue");
}

// The same bytes whatever the thread count and the path.
static void testDeterminism(bool quick) {
  Rng rng{61};
  struct Case {
    PaletteLayout l;
    int nBits;
    std::optional<QType> lt;
    bool pcs;
    SrcType st;
  };
  std::vector<Case> cases = {
      {{{256, 512}, 0, 1, 1}, 4, std::nullopt, false, SrcType::F16},
      {{{128, 96}, 1, 96, 1}, 4, QType::UI8, false, SrcType::F32},
      {{{64, 1200}, 0, 16, 1}, 3, std::nullopt, true, SrcType::BF16},
      {{{2048, 600}, 0, 1, 1}, 8, QType::F8E4M3FN, true, SrcType::F32},
      {{{1200, 1000}, 1, 1, 1}, 6, std::nullopt, false, SrcType::F32},
      {{{128, 256}, 0, 1, 2}, 4, std::nullopt, false, SrcType::F32},
      {{{64, 32, 3}, 1, 4, 4}, 2, QType::SI8, false, SrcType::F16},
      {{{512, 600}, 1, 1, 2}, 4, std::nullopt, false, SrcType::F16},
  };
  if (!quick)
    cases.push_back({{{4096, 600}, 0, 1, 1}, 4, std::nullopt, false,
                     SrcType::F16}); // a big group: split histograms
  const ParallelFor pools[] = {threadPool(2), threadPool(3)};
  for (const Case &c : cases) {
    PaletteParams p;
    p.nBits = c.nBits;
    p.lutType = c.lt;
    p.perChannelScale = c.pcs;
    std::vector<double> w = gaussian(c.l.numElements(), rng);
    const std::vector<uint8_t> src = toSrc(w, c.st);
    const Run ref = runPal(src, c.st, c.l, p, nullptr, Isa::Scalar);
    CHECK(ref.r.status == Status::Ok, "%s", describe(c.l, p, c.st).c_str());
    for (Isa isa : availableIsas())
      for (int t = 0; t < 3; ++t) {
        const Run o = runPal(src, c.st, c.l, p, t ? pools[t - 1] : nullptr, isa);
        CHECK(o == ref, "%s: %s, %d threads differ from scalar, 1 thread",
              describe(c.l, p, c.st).c_str(), isaName(isa), t ? t + 1 : 1);
      }
    if (c.l.numElements() <= 1 << 18) {
      for (auto &x : w)
        x = refRound(x, c.st);
      checkRun(ref, w, c.st, c.l, p, false, describe(c.l, p, c.st));
    }
  }
}

// Groups past the split-histogram threshold (over 2^20 elements): the same
// partition cost and the same LUT means as the DP on an independent
// histogram (a map of q(x) to count and long double sum of x).
static void testBigGroups(bool quick) {
  Rng rng{81};
  struct Case {
    std::vector<int64_t> shape;
    int axis;
    SrcType st;
    bool pcs;
    int nBits;
    int odd = 0; // 1: zeros, binade edges, near the f32 maximum; 2: and
                 // f32 subnormals
  };
  std::vector<Case> cases = {{{1100, 1000}, 0, SrcType::F32, false, 4},
                             {{1100, 1000}, 0, SrcType::F32, false, 6, 1},
                             {{1000, 1100}, 1, SrcType::F32, false, 4, 1},
                             {{1000, 1100}, 1, SrcType::F32, false, 4, 2},
                             {{1000, 1100}, 1, SrcType::F16, true, 3},
                             {{1100, 1000}, 0, SrcType::F16, false, 8}};
  if (!quick)
    cases.push_back({{1000, 1100}, 1, SrcType::BF16, true, 6});
  for (const Case &c : cases) {
    PaletteLayout l{c.shape, c.axis, 1, 1};
    PaletteParams p;
    p.nBits = c.nBits;
    p.perChannelScale = c.pcs;
    const Geo g(l, p.nBits);
    std::vector<double> w = gaussian(g.N, rng);
    for (int64_t e = 0; e < g.N; ++e) {
      if (c.pcs)
        w[e] *= std::exp((double)(g.chan(e) % 9) - 4);
      if (e % 1000 == 0)
        w[e] *= 1e-12; // tiny values too
      if (c.odd && e % 997 == 1)
        w[e] = e % 2 ? 0.0 : -0.0;
      if (c.odd && e % 991 == 2) // rounds up to the next binade's grid
        w[e] = std::ldexp(e % 4 < 2 ? 2 - 0x1p-23 : -(2 - 0x1p-13), -7);
      if (c.odd && e % 100003 == 3)
        w[e] = (e % 2 ? 1 : -1) * 0x1.fffffep127 / (1 + e % 5);
      if (c.odd == 2 && e % 983 == 4)
        w[e] = (e % 2 ? 1 : -1) * std::ldexp(1 + (double)(e % 7), -140);
      w[e] = refRound(w[e], c.st);
    }
    const Run o = runPal(toSrc(w, c.st), c.st, l, p, threadPool(2));
    const std::string what = describe(l, p, c.st);
    CHECK(o.r.status == Status::Ok, "%s", what.c_str());
    std::vector<double> pcs(g.C, 1.0);
    if (c.pcs) {
      std::vector<double> amax(g.C, 0.0);
      for (int64_t e = 0; e < g.N; ++e)
        amax[g.chan(e)] = std::max(amax[g.chan(e)], std::fabs(w[e]));
      for (int64_t ch = 0; ch < g.C; ++ch)
        pcs[ch] = amax[ch] == 0 ? 1.0 : std::max(amax[ch], smallestNormal(c.st));
    }
    std::map<double, std::pair<double, long double>> h;
    for (int64_t e = 0; e < g.N; ++e) {
      const double x = w[e] / pcs[g.chan(e)];
      auto &b = h[refGrid(x)];
      b.first += 1;
      b.second += x;
    }
    std::vector<double> v, cnt;
    std::vector<long double> sum;
    for (auto &kv : h) {
      v.push_back(kv.first);
      cnt.push_back(kv.second.first);
      sum.push_back(kv.second.second);
    }
    const int k = (int)std::min<int64_t>((int64_t)v.size(), g.P);
    std::vector<int64_t> start(k + 1);
    const double sse = optimalKMeans1D(v.data(), cnt.data(), (int64_t)v.size(),
                                       k, start.data());
    start[k] = (int64_t)v.size();
    CHECK(o.diag.clusters[0] == k &&
              std::fabs(o.diag.clusterSSE[0] - sse) <= 1e-12 * sse,
          "%s: %d clusters, SSE %.17g; expected %d, %.17g", what.c_str(),
          o.diag.clusters[0], o.diag.clusterSSE[0], k, sse);
    bool ok = true;
    for (int j = 0; j < k; ++j) {
      long double s = 0, n = 0;
      for (int64_t i = start[j]; i < start[j + 1]; ++i) {
        s += sum[i];
        n += cnt[i];
      }
      ok &= std::fabs(o.diag.lutF64[j] - (double)(s / n)) <=
            1e-12 * std::fabs((double)(s / n));
    }
    CHECK(ok, "%s: LUT means", what.c_str());
  }
}

// SQNR of the decoded weight (dB).
static double sqnr(const Run &o, const std::vector<double> &w, SrcType st,
                   const PaletteLayout &l, const PaletteParams &p) {
  std::vector<uint8_t> dec(w.size() * elemSize(st));
  decodePalettized(l, st, p, o.indices.data(), o.lut.data(), o.scale.data(),
                   dec.data());
  long double se = 0, ss = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const long double d = loadT(dec.data(), i, st) - (long double)w[i];
    se += d * d;
    ss += (long double)w[i] * w[i];
  }
  return (double)(10 * std::log10(ss / se));
}

// Quality against the reference's figures (spec appendix; Gaussian
// weights, our own draws) and against a plain best-of-many k-means for
// vectors.
static void testQuality(bool quick) {
  Rng rng{71};
  struct Fig {
    std::vector<int64_t> shape;
    int64_t G, cd;
    int nBits;
    std::optional<QType> lt;
    double ref;
  };
  const Fig figs[] = {
      {{256, 512}, 1, 1, 1, std::nullopt, 4.40},
      {{256, 512}, 1, 1, 2, std::nullopt, 9.28},
      {{256, 512}, 1, 1, 4, std::nullopt, 20.18},
      {{256, 512}, 1, 1, 6, std::nullopt, 31.94},
      {{256, 512}, 1, 1, 8, std::nullopt, 44.07},
      {{512, 256}, 512, 1, 4, std::nullopt, 21.95}, // optimal 1-D figure
      {{256, 512}, 1, 1, 4, QType::SI8, 20.17},
      {{256, 512}, 1, 1, 4, QType::UI8, 20.17},
      {{256, 512}, 1, 1, 4, QType::F8E4M3FN, 19.96},
      {{128, 256}, 1, 2, 4, std::nullopt, 9.59},
      {{128, 256}, 4, 4, 4, std::nullopt, 4.77},
  };
  for (const Fig &f : figs) {
    PaletteLayout l{f.shape, 0, f.G, f.cd};
    PaletteParams p;
    p.nBits = f.nBits;
    p.lutType = f.lt;
    std::vector<double> w = gaussian(l.numElements(), rng, 0.05);
    for (auto &x : w)
      x = (double)(float)x;
    const Run o = runPal(toSrc(w, SrcType::F32), SrcType::F32, l, p);
    const double q = sqnr(o, w, SrcType::F32, l, p);
    // Our draws differ from the reference's: allow 0.05 dB of sampling.
    CHECK(q >= f.ref - 0.05, "%s: SQNR %.3f dB, reference %.2f",
          describe(l, p, SrcType::F32).c_str(), q, f.ref);
    std::printf("  SQNR %-40s %7.3f dB (reference %.2f)\n",
                describe(l, p, SrcType::F32).c_str(), q, f.ref);
  }
  // Vector k-means against the best of 40 random-restart Lloyd runs.
  for (int trial = 0; trial < (quick ? 3 : 8); ++trial) {
    const int cd = trial % 2 ? 4 : 2, nBits = 2 + trial % 3;
    const int64_t C = 32, In = 4 + 4 * trial;
    PaletteLayout l{{C, In}, 0, 1, cd};
    PaletteParams p;
    p.nBits = nBits;
    std::vector<double> w = gaussian(C * In, rng);
    for (auto &x : w)
      x = (double)(float)x;
    const Run o = runPal(toSrc(w, SrcType::F32), SrcType::F32, l, p);
    const int64_t nv = C / cd * In;
    std::vector<double> vec(nv * cd);
    for (int64_t v = 0; v < nv; ++v)
      for (int t = 0; t < cd; ++t)
        vec[v * cd + t] = w[((v / In) * cd + t) * In + v % In];
    const int k = (int)std::min<int64_t>(nv, 1 << nBits);
    double best = INFINITY;
    for (int s = 0; s < 40; ++s) {
      std::vector<double> c(k * cd);
      for (int j = 0; j < k; ++j) // distinct random vectors
        std::memcpy(&c[j * cd], &vec[((j * 7919 + s * 104729) % nv) * cd],
                    sizeof(double) * cd);
      std::vector<int> lab(nv, -1);
      double sse = 0;
      for (int it = 0; it < 300; ++it) {
        bool changed = false;
        sse = 0;
        for (int64_t v = 0; v < nv; ++v) {
          double bd = INFINITY;
          int bj = 0;
          for (int j = 0; j < k; ++j) {
            double d = 0;
            for (int t = 0; t < cd; ++t)
              d += (vec[v * cd + t] - c[j * cd + t]) * (vec[v * cd + t] - c[j * cd + t]);
            if (d < bd) {
              bd = d;
              bj = j;
            }
          }
          changed |= lab[v] != bj;
          lab[v] = bj;
          sse += bd;
        }
        if (!changed)
          break;
        std::vector<double> sum(k * cd, 0.0), cnt(k, 0.0);
        for (int64_t v = 0; v < nv; ++v) {
          cnt[lab[v]] += 1;
          for (int t = 0; t < cd; ++t)
            sum[lab[v] * cd + t] += vec[v * cd + t];
        }
        for (int j = 0; j < k; ++j)
          if (cnt[j])
            for (int t = 0; t < cd; ++t)
              c[j * cd + t] = sum[j * cd + t] / cnt[j];
      }
      best = std::min(best, sse);
    }
    const double ours = o.diag.clusterSSE[0];
    // 0.05 dB of SQNR is a factor 10^0.005 of squared error.
    CHECK(ours <= best * std::pow(10.0, 0.005),
          "vector k-means cd %d n %d on %lld vectors: SSE %.6g, best of 40 "
          "restarts %.6g",
          cd, nBits, (long long)nv, ours, best);
  }
}

static int palettizeCli(int argc, char **argv) {
  if (argc != 10)
    return 2;
  SrcType st;
  if (!std::strcmp(argv[2], "f32"))
    st = SrcType::F32;
  else if (!std::strcmp(argv[2], "f16"))
    st = SrcType::F16;
  else if (!std::strcmp(argv[2], "bf16"))
    st = SrcType::BF16;
  else
    return 2;
  PaletteLayout l;
  for (char *d = argv[3]; *d;) {
    l.shape.push_back(std::strtoll(d, &d, 10));
    if (*d == ',')
      ++d;
  }
  l.axis = std::atoi(argv[4]);
  l.numGroups = std::atoll(argv[5]);
  l.clusterDim = std::atoll(argv[6]);
  PaletteParams p;
  p.nBits = std::atoi(argv[7]);
  const std::string lut = argv[8];
  if (lut == "si8")
    p.lutType = QType::SI8;
  else if (lut == "ui8")
    p.lutType = QType::UI8;
  else if (lut == "f8e4m3fn")
    p.lutType = QType::F8E4M3FN;
  else if (lut == "f8e5m2")
    p.lutType = QType::F8E5M2;
  else if (lut != "none")
    return 2;
  p.perChannelScale = std::atoi(argv[9]) != 0;
  std::vector<uint8_t> src;
  uint8_t buf[65536];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, stdin)) > 0)
    src.insert(src.end(), buf, buf + got);
  if ((int64_t)src.size() != l.numElements() * elemSize(st))
    return 2;
  const Run o = runPal(src, st, l, p, threadPool(2));
  if (o.r.status != Status::Ok) {
    std::fprintf(stderr, "status %d\n", (int)o.r.status);
    return 3;
  }
  std::fwrite(o.indices.data(), 1, o.sizes.indexBytes, stdout);
  std::fwrite(o.lut.data(), 1, o.sizes.lutBytes, stdout);
  std::fwrite(o.scale.data(), 1, o.sizes.scaleBytes, stdout);
  std::fwrite(o.diag.clusterSSE.data(), 8, o.diag.clusterSSE.size(), stdout);
  std::vector<uint8_t> dec(src.size());
  if (decodePalettized(l, st, p, o.indices.data(), o.lut.data(),
                       o.scale.data(), dec.data()) != Status::Ok)
    return 3;
  std::fwrite(dec.data(), 1, dec.size(), stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !std::strcmp(argv[1], "--palettize"))
    return palettizeCli(argc, argv);
  const bool quick = argc > 1 && !std::strcmp(argv[1], "--quick");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("paths:");
  for (Isa i : availableIsas())
    std::printf(" %s", isaName(i));
  std::printf(" (active: %s)\n", isaName(activeIsa()));
  testPacking();
  testGrid();
  testShapesAndRules();
  testErrors();
  testOptimal1D();
  testHardValues();
  testConfigurations(quick);
  testDeterminism(quick);
  testBigGroups(quick);
  testQuality(quick);
  std::printf("%d passed, %d failed\n", gPassed, gFailed);
  return gFailed ? 1 : 0;
}

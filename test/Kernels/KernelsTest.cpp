//===- KernelsTest.cpp - Tests of the quantization kernels ----------------===//
//
//   coreai-kernels-test                      run all tests
//   coreai-kernels-test --encode f8e4m3fn    f32 values on stdin -> one FP code
//                                            byte per value on stdout
//   coreai-kernels-test --quantize <qtype> <sym|asym> <f32|f16|bf16|e8m0> R
//        f32 values on stdin viewed as rows of R, one block per row (f32
//        weights); stdout: the codes unpacked one per byte (int8 for signed
//        types), then the stored scale bytes, then the zero point codes.
//
//===----------------------------------------------------------------------===//
#include "coreai/Kernels/Digest.h"
#include "coreai/Kernels/Hex.h"
#include "coreai/Kernels/Packing.h"
#include "coreai/Kernels/Quantize.h"

#include "TestSupport.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace coreai::kernels;

static const char *qtypeName(QType t) {
  static const char *n[] = {"si2", "ui2", "si4", "ui4", "si8",
                            "ui8", "f4e2m1fn", "f8e4m3fn", "f8e5m2"};
  return n[(int)t];
}
static const char *scaleName(ScaleType t) {
  static const char *n[] = {"f32", "f16", "bf16", "e8m0"};
  return n[(int)t];
}
static uint16_t toF16(float f) {
  _Float16 h = (_Float16)f;
  uint16_t u;
  std::memcpy(&u, &h, 2);
  return u;
}
static uint16_t toBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffff) > 0x7f800000)
    return (uint16_t)((u >> 16) | 0x40);
  return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

enum Mode { Gauss, Ties, Tiny, ZeroBlocks, NegZero, Wide, Huge, NaNs, Infs, NearTies };
static const char *modeName(Mode m) {
  static const char *n[] = {"gauss", "ties", "tiny", "zeroblocks", "negzero",
                            "wide", "huge", "nan", "inf", "neartie"};
  return n[m];
}

static std::vector<float> makeData(int64_t n, Mode mode, Rng &rng) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) {
    float x = (float)(rng.normal() * 0.02);
    switch (mode) {
    case Gauss: break;
    case Ties: // few mantissa bits: many exact ties after division
      x = (float)(rng.range(129) - 64) * std::ldexp(1.f, rng.range(7) - 6);
      break;
    case Tiny: {
      int r = rng.range(4);
      x = r == 0 ? 0.f
                 : (float)(rng.normal() * std::ldexp(1.0, -130 - rng.range(20)));
      if (r == 3)
        x = (float)(rng.normal() * 1e-7);
      break;
    }
    case ZeroBlocks:
      if ((i / 5) % 3 != 0)
        x = (i % 2) ? -0.f : 0.f;
      break;
    case NegZero:
      if (rng.range(3) == 0)
        x = -0.f;
      break;
    case Wide:
      x = (float)(rng.normal() * std::ldexp(1.0, rng.range(60) - 30));
      break;
    case NearTies: {
      // Rows of 4096 with amax A (first of every 32 elements) and the rest
      // near (k + 1/2) * 2A / D, D = 254 (8-bit) on even rows, 14 (4-bit) on
      // odd ones: w / scale lands near rounding ties at many distances.
      const int64_t row = i / 4096;
      const float A = std::ldexp(1.f + (float)((row * 2654435761u) % 1000) / 1000.f,
                                 (int)(row % 9) - 6);
      const int D = row % 2 ? 14 : 254;
      if (i % 32 == 0) {
        x = A;
      } else {
        const double k = rng.range(D) - D / 2 + 0.5;
        const double d = std::ldexp((double)(rng.range(2) ? 1 : -1),
                                    -8 - rng.range(20));
        x = (float)(k * 2.0 * A / D * (1.0 + (rng.range(4) ? d : 0.0)));
        x = std::fmin(std::fmax(x, -A), A);
      }
      break;
    }
    default: break;
    }
    v[i] = x;
  }
  if (n > 0) {
    int64_t at = n / 2;
    if (mode == Huge)
      v[at] = 2.5e38f;
    if (mode == NaNs) {
      v[at] = NAN;
      if (at + 1 < n)
        v[at + 1] = INFINITY;
    }
    if (mode == Infs)
      v[at] = -INFINITY;
  }
  return v;
}

static std::vector<uint8_t> toSrc(const std::vector<float> &v, SrcType st) {
  std::vector<uint8_t> out(v.size() * (st == SrcType::F32 ? 4 : 2));
  for (size_t i = 0; i < v.size(); ++i) {
    if (st == SrcType::F32) {
      std::memcpy(&out[4 * i], &v[i], 4);
    } else {
      uint16_t h = st == SrcType::F16 ? toF16(v[i]) : toBf16(v[i]);
      std::memcpy(&out[2 * i], &h, 2);
    }
  }
  return out;
}

struct Out {
  QuantResult r;
  std::vector<uint8_t> data, scale, zp;
  OutputDigests digests;
};

/// Digest.h's definition, chunk by chunk with the scalar chunk hash.
static uint64_t digestOf(const uint8_t *bytes, size_t size) {
  std::vector<uint64_t> hashes;
  for (size_t at = 0; at < size; at += kDigestChunk)
    hashes.push_back(chunkHashWithIsa(Isa::Scalar, bytes + at,
                                      std::min(kDigestChunk, size - at),
                                      hashes.size()));
  return combineChunkHashes(hashes.data(), hashes.size(), size);
}

static Out run(Isa isa, const std::vector<uint8_t> &src, SrcType st,
               const BlockLayout &l, const QuantParams &p, uint8_t fill,
               const ParallelFor &pf) {
  Out o;
  o.data.assign(packedDataBytes(p.qtype, l.numElements()) + 1, fill);
  o.scale.assign(scaleBytes(p.scaleType, l.numBlocks()) + 1, fill);
  o.zp.assign(packedDataBytes(p.qtype, l.numBlocks()) + 1, fill);
  o.r = quantizeWithIsa(isa, src.data(), st, l, p, o.data.data(),
                        o.scale.data(), o.zp.data(), pf, &o.digests);
  if (o.r.status == Status::Ok) {
    CHECK(o.digests.data == digestOf(o.data.data(), o.data.size() - 1) &&
              o.digests.scale == digestOf(o.scale.data(), o.scale.size() - 1),
          "%s: digests of the outputs", isaName(isa));
  }
  return o;
}

static std::vector<QuantParams> allParams() {
  std::vector<QuantParams> v;
  for (int q = 0; q <= (int)QType::F8E5M2; ++q)
    for (int s = 0; s < 2; ++s)
      for (int sc = 0; sc < 4; ++sc) {
        QuantParams p{(QType)q, (Scheme)s, (ScaleType)sc};
        if (isValidParams(p))
          v.push_back(p);
      }
  return v;
}

static std::string layoutStr(const BlockLayout &l) {
  std::string s = "[";
  for (size_t i = 0; i < l.shape.size(); ++i)
    s += std::to_string(l.shape[i]) + "/" + std::to_string(l.blockShape[i]) +
         (i + 1 < l.shape.size() ? "," : "");
  return s + "]";
}

// Every available fast path equals the scalar reference, byte for byte.
static void compareAll(const BlockLayout &l, Mode mode, uint64_t seed,
                       const std::vector<QuantParams> &params,
                       const std::vector<SrcType> &srcTypes, bool threads) {
  Rng rng{seed};
  std::vector<float> vals = makeData(l.numElements(), mode, rng);
  static const ParallelFor pool = threadPool(3);
  for (SrcType st : srcTypes) {
    std::vector<uint8_t> src = toSrc(vals, st);
    for (const QuantParams &p : params) {
      Out ref = run(Isa::Scalar, src, st, l, p, 0xA5, nullptr);
      bool expectBad = mode == NaNs || mode == Infs;
      if (expectBad)
        CHECK(ref.r.status == Status::NonFinite &&
                  ref.r.firstBadElement == l.numElements() / 2,
              "nonfinite status %d idx %lld", (int)ref.r.status,
              (long long)ref.r.firstBadElement);
      if (mode == Huge && st == SrcType::F32)
        CHECK(ref.r.status == Status::Overflow, "huge: status %d",
              (int)ref.r.status);
      for (Isa isa : availableIsas()) {
        if (isa == Isa::Scalar)
          continue;
        for (int t = 0; t < (threads ? 2 : 1); ++t) {
          Out o = run(isa, src, st, l, p, 0x5A, t ? pool : ParallelFor());
          bool same = o.r.status == ref.r.status &&
                      o.r.firstBadElement == ref.r.firstBadElement;
          if (same && ref.r.status == Status::Ok) {
            // Compare all but the sentinel byte past the end.
            same = !std::memcmp(o.data.data(), ref.data.data(),
                                o.data.size() - 1) &&
                   !std::memcmp(o.scale.data(), ref.scale.data(),
                                o.scale.size() - 1) &&
                   !std::memcmp(o.zp.data(), ref.zp.data(), o.zp.size() - 1) &&
                   o.data.back() == 0x5A && o.scale.back() == 0x5A &&
                   o.zp.back() == 0x5A;
          }
          CHECK(same, "%s %s %s/%s/%s src=%s mode=%s threads=%d status %d vs %d",
                isaName(isa), layoutStr(l).c_str(), qtypeName(p.qtype),
                p.scheme == Scheme::Symmetric ? "sym" : "asym",
                scaleName(p.scaleType), srcName(st), modeName(mode), t,
                (int)o.r.status, (int)ref.r.status);
        }
      }
    }
  }
}

static void testEquivalence() {
  const std::vector<QuantParams> params = allParams();
  const std::vector<SrcType> allSrc = {SrcType::F32, SrcType::F16,
                                       SrcType::BF16};
  const int64_t lengths[] = {1, 3, 7, 31, 32, 33, 1000};
  uint64_t seed = 1;
  std::vector<BlockLayout> layouts;
  for (int64_t L : lengths) {
    layouts.push_back({{5, L}, {5, L}});        // per tensor
    layouts.push_back({{5, L}, {1, L}});        // per channel, axis 0
    layouts.push_back({{L, 6}, {L, 1}});        // per channel, last axis
    layouts.push_back({{3, 2 * L}, {3, L}});    // blocks of L on the last axis
    layouts.push_back({{2 * L, 5}, {L, 1}});    // blocks of L on axis -2
  }
  for (int64_t m : {1, 3, 7}) {
    layouts.push_back({{3, 32 * m}, {1, 32}});  // per block 32, last axis
    layouts.push_back({{32 * m, 7}, {32, 1}});  // per block 32, axis -2
    layouts.push_back({{32 * m, 8}, {32, 1}});
  }
  layouts.push_back({{}, {}});                          // rank 0
  layouts.push_back({{1, 1, 1}, {1, 1, 1}});
  layouts.push_back({{1, 64, 1, 33}, {1, 32, 1, 33}});  // size-1 dims
  layouts.push_back({{4, 6, 5}, {2, 3, 1}});            // non-mergeable N-D
  layouts.push_back({{4, 6, 8}, {2, 3, 1}});
  layouts.push_back({{2, 3, 4, 5, 6}, {1, 3, 2, 5, 3}});
  layouts.push_back({{2, 2, 2, 2, 2, 2, 2, 3}, {2, 1, 2, 1, 1, 2, 1, 3}});
  layouts.push_back({{6, 4, 8}, {3, 4, 2}});
  // Fused kernels: big contiguous blocks (one at a time), batches of 8 small
  // blocks with a partial last batch, column blocks in several chunks with
  // a tail of < 32 columns.
  layouts.push_back({{5, 512}, {1, 512}});
  layouts.push_back({{2, 13, 64}, {1, 1, 64}});
  layouts.push_back({{32, 2600}, {32, 1}});
  layouts.push_back({{3, 16, 40}, {1, 16, 1}});

  const Mode modes[] = {Gauss, Ties, Tiny, ZeroBlocks, NegZero, Wide,
                        Huge,  NaNs, Infs};
  for (const BlockLayout &l : layouts)
    for (Mode mode : modes)
      compareAll(l, mode, seed++, params, allSrc, l.numElements() > 500);

  // Big shapes that exercise the two-pass and column-chunk strategies.
  std::vector<BlockLayout> big = {
      {{3, 70001}, {3, 70001}},  // per tensor, big
      {{3, 70001}, {1, 70001}},  // huge rows, per channel axis 0
      {{3, 70001}, {3, 1}},      // odd rows, per channel last axis
      {{1000, 301}, {1000, 1}},  // per channel last axis, odd row length
      {{1024, 512}, {1024, 1}},  // column chunks
      {{256, 1024}, {32, 1}},    // per block 32 along axis -2
      {{64, 4096}, {1, 32}},     // per block 32 along the last axis
      {{40, 30, 51}, {2, 3, 1}}, // N-D two-pass, odd rows
      {{1600, 74}, {800, 1}},    // tall column blocks (three passes), tail
  };
  const std::vector<QuantParams> some = {
      {QType::SI8, Scheme::Symmetric, ScaleType::F32},
      {QType::UI4, Scheme::Asymmetric, ScaleType::F16},
      {QType::SI2, Scheme::Asymmetric, ScaleType::BF16},
      {QType::UI2, Scheme::Symmetric, ScaleType::F32},
      {QType::F8E4M3FN, Scheme::Symmetric, ScaleType::F8E8M0FNU},
      {QType::F8E5M2, Scheme::Symmetric, ScaleType::F16},
      {QType::F4E2M1FN, Scheme::Symmetric, ScaleType::F8E8M0FNU}};
  for (const BlockLayout &l : big)
    for (Mode mode : {Gauss, Ties, NaNs})
      compareAll(l, mode, seed++, some, allSrc, true);
}

// Every path divides by the scale (a true division, as the scalar reference
// does): values next to rounding ties are where a shortcut (a reciprocal, a
// contracted multiply-add) would round differently. Hammer them.
static void testNearTies() {
  std::vector<QuantParams> params;
  for (QType q : {QType::SI8, QType::UI8, QType::SI4, QType::UI4})
    for (ScaleType sc : {ScaleType::F32, ScaleType::F16, ScaleType::BF16})
      params.push_back({q, Scheme::Symmetric, sc});
  const std::vector<SrcType> allSrc = {SrcType::F32, SrcType::F16,
                                       SrcType::BF16};
  uint64_t seed = 1000;
  for (const BlockLayout &l : {BlockLayout{{64, 4096}, {1, 32}},
                               BlockLayout{{24, 4096}, {1, 4096}},
                               BlockLayout{{8, 8192}, {1, 64}}})
    compareAll(l, NearTies, seed++, params, allSrc, false);
  // Big f16 tensors (the pass's common case), with and without threads.
  const std::vector<QuantParams> big = {
      {QType::SI8, Scheme::Symmetric, ScaleType::F16},
      {QType::SI4, Scheme::Symmetric, ScaleType::F16},
      {QType::F4E2M1FN, Scheme::Symmetric, ScaleType::F8E8M0FNU},
      {QType::F8E4M3FN, Scheme::Symmetric, ScaleType::F8E8M0FNU}};
  for (const BlockLayout &l : {BlockLayout{{1024, 8192}, {1, 32}},
                               BlockLayout{{1024, 8192}, {1, 8192}}})
    compareAll(l, NearTies, seed++, big, {SrcType::F16}, true);
}

// Hand-checked values and layout facts.
static void testKnownValues() {
  // si4 symmetric per tensor: scale = (2*1+1e-6)/14; 1 -> 7, -1 -> -7, 0.5 -> 3.5
  // ... ties to even -> 4? 0.5/scale = 3.4999983 -> 3.
  float w[4] = {1.f, -1.f, 0.5f, -0.f};
  BlockLayout l{{4}, {4}};
  for (Isa isa : availableIsas()) {
    uint8_t data[2] = {0xff, 0xff}, zp = 0xff;
    float scale;
    QuantResult r = quantizeWithIsa(isa, w, SrcType::F32, l,
                                    {QType::SI4, Scheme::Symmetric,
                                     ScaleType::F32},
                                    data, &scale, &zp, nullptr);
    CHECK(r.status == Status::Ok, "%s", isaName(isa));
    CHECK(scale == (2.f * 1.f + 1e-6f) / 14.f, "%s scale %g", isaName(isa),
          scale);
    CHECK(data[0] == 0x97 && data[1] == 0x03, "%s si4 packing %02x %02x",
          isaName(isa), data[0], data[1]);
    CHECK(zp == 0, "%s zp", isaName(isa));
    // ui8 symmetric: zero point 127.
    uint8_t d8[4], z8;
    r = quantizeWithIsa(isa, w, SrcType::F32, l,
                        {QType::UI8, Scheme::Symmetric, ScaleType::F32}, d8,
                        &scale, &z8, nullptr);
    CHECK(r.status == Status::Ok && z8 == 127 && d8[0] == 254 && d8[1] == 0 &&
              d8[3] == 127,
          "%s ui8 %d %d %d %d", isaName(isa), d8[0], d8[1], d8[3], z8);
    // FP4 with E8M0: amax 1 -> smallest 2^e with 1 <= 6*2^e is 2^-2.
    float w4[4] = {1.f, -0.25f, 0.125f, -0.f};
    uint8_t e8, d4[2];
    r = quantizeWithIsa(isa, w4, SrcType::F32, l,
                        {QType::F4E2M1FN, Scheme::Symmetric,
                         ScaleType::F8E8M0FNU},
                        d4, &e8, &zp, nullptr);
    // 1/0.25 = 4 -> 0x6; -1 -> 0xA; 0.5 -> 0x1; -0 -> 0x8.
    CHECK(r.status == Status::Ok && e8 == 125 && d4[0] == 0xA6 &&
              d4[1] == 0x81,
          "%s fp4 e8=%d %02x %02x", isaName(isa), e8, d4[0], d4[1]);
    // All-zero block with f16 scale: 1e-6/254 is 0 in f16 -> smallest normal.
    uint16_t zeros16[4] = {0, 0x8000, 0, 0};
    uint16_t s16;
    uint8_t d16[4];
    r = quantizeWithIsa(isa, zeros16, SrcType::F16, l,
                        {QType::SI8, Scheme::Symmetric, ScaleType::F16}, d16,
                        &s16, &zp, nullptr);
    CHECK(r.status == Status::Ok && s16 == 0x0400 && d16[1] == 0,
          "%s zero block f16 scale %04x", isaName(isa), s16);
    // FP8 E4M3 + E8M0, all zero -> code 0 (2^-127).
    float z4[4] = {0, 0, -0.f, 0};
    uint8_t d8b[4];
    r = quantizeWithIsa(isa, z4, SrcType::F32, l,
                        {QType::F8E4M3FN, Scheme::Symmetric,
                         ScaleType::F8E8M0FNU},
                        d8b, &e8, &zp, nullptr);
    CHECK(r.status == Status::Ok && e8 == 0 && d8b[2] == 0x80 && d8b[0] == 0,
          "%s fp8 zero block e8=%d", isaName(isa), e8);
    // Errors.
    float bad[4] = {1.f, 2.f, NAN, INFINITY};
    r = quantizeWithIsa(isa, bad, SrcType::F32, l,
                        {QType::SI8, Scheme::Symmetric, ScaleType::F32}, d8,
                        &scale, &zp, nullptr);
    CHECK(r.status == Status::NonFinite && r.firstBadElement == 2, "%s nan",
          isaName(isa));
    float huge[4] = {1.f, 2e38f, 0.f, 0.f};
    r = quantizeWithIsa(isa, huge, SrcType::F32, l,
                        {QType::SI8, Scheme::Symmetric, ScaleType::F32}, d8,
                        &scale, &zp, nullptr);
    CHECK(r.status == Status::Overflow, "%s overflow", isaName(isa));
    r = quantizeWithIsa(isa, w, SrcType::F32, l,
                        {QType::F4E2M1FN, Scheme::Symmetric, ScaleType::F32},
                        d8, &scale, &zp, nullptr);
    CHECK(r.status == Status::InvalidArgument, "%s invalid", isaName(isa));
    BlockLayout badL{{4}, {3}};
    r = quantizeWithIsa(isa, w, SrcType::F32, badL,
                        {QType::SI8, Scheme::Symmetric, ScaleType::F32}, d8,
                        &scale, &zp, nullptr);
    CHECK(r.status == Status::InvalidArgument, "%s invalid layout",
          isaName(isa));
  }
  CHECK(packedDataBytes(QType::SI2, 5) == 2 && packedDataBytes(QType::UI4, 5) == 3 &&
            packedDataBytes(QType::F8E5M2, 5) == 5,
        "packedDataBytes");
  CHECK(scaleBytes(ScaleType::BF16, 3) == 6 && scaleBytes(ScaleType::F8E8M0FNU, 3) == 3,
        "scaleBytes");
  CHECK(isSplatZeroPoint({QType::UI4, Scheme::Symmetric, ScaleType::F16}) &&
            splatZeroPointCode({QType::UI4, Scheme::Symmetric, ScaleType::F16}) == 7 &&
            splatZeroPointCode({QType::UI2, Scheme::Symmetric, ScaleType::F16}) == 1 &&
            !isSplatZeroPoint({QType::UI4, Scheme::Asymmetric, ScaleType::F16}),
        "zero points");
}

// FP encoder over every f32 bit pattern class near the FP grids: compare the
// fast encoder with the reference through quantize (scale 1 = E8M0 code 127).
static void testEncoderExhaustiveish() {
  // Values with amax exactly fmax so the E8M0 scale is 2^0 -> w/scale == w.
  for (QType t : {QType::F8E4M3FN, QType::F8E5M2, QType::F4E2M1FN}) {
    float fmax = qtypeInfo(t).fmax;
    std::vector<float> v;
    v.push_back(fmax);
    Rng rng{(uint64_t)t + 77};
    for (int i = 0; i < 200000; ++i) {
      uint32_t u = (uint32_t)rng.next();
      float f;
      // Random bits in the range [2^-30, fmax], both signs, plus low-bit
      // patterns that land on ties.
      int e = rng.range(40) - 30;
      uint32_t mant = (i & 1) ? (u & 0x7fffff) : (u & 0x7c0000) | 0x20000;
      uint32_t bits = ((uint32_t)(127 + e) << 23) | mant | (u & 0x80000000u);
      std::memcpy(&f, &bits, 4);
      if (std::fabs(f) > fmax)
        f = f / 1024;
      v.push_back(f);
    }
    BlockLayout l{{(int64_t)v.size()}, {(int64_t)v.size()}};
    std::vector<uint8_t> src = toSrc(v, SrcType::F32);
    QuantParams p{t, Scheme::Symmetric, ScaleType::F8E8M0FNU};
    Out ref = run(Isa::Scalar, src, SrcType::F32, l, p, 0, nullptr);
    CHECK(ref.r.status == Status::Ok && ref.scale[0] == 127, "%s e8m0=%d",
          qtypeName(t), ref.scale[0]);
    for (Isa isa : availableIsas()) {
      Out o = run(isa, src, SrcType::F32, l, p, 0, nullptr);
      CHECK(o.data == ref.data, "%s encode %s", isaName(isa), qtypeName(t));
      // The exported encoder agrees with quantize too.
      std::vector<uint8_t> codes(v.size());
      bool ok = encodeFloatCodes(t, v.data(), v.size(), codes.data()) ==
                Status::Ok;
      for (size_t i = 0; i < v.size() && ok; ++i)
        ok = codes[i] == unpackCode(ref.data.data(), i, qtypeBits(t));
      CHECK(ok, "encodeFloatCodes %s", qtypeName(t));
    }
  }
  // Integer types have no FP codes: an error, the output untouched.
  for (QType t : {QType::SI8, QType::UI4, QType::SI2}) {
    float one = 1.f;
    uint8_t code = 0xAB;
    CHECK(encodeFloatCodes(t, &one, 1, &code) == Status::InvalidArgument &&
              code == 0xAB,
          "encodeFloatCodes %s must fail", qtypeName(t));
  }
}

static bool parseQType(const char *s, QType &t) {
  for (int q = 0; q <= (int)QType::F8E5M2; ++q)
    if (!std::strcmp(s, qtypeName((QType)q))) {
      t = (QType)q;
      return true;
    }
  return false;
}

static std::vector<float> readFloats() {
  std::vector<float> v;
  float buf[4096];
  size_t n;
  while ((n = std::fread(buf, 4, 4096, stdin)) > 0)
    v.insert(v.end(), buf, buf + n);
  return v;
}

// The chunk hash is the same function on every path; the digest sees every
// byte, its position and the length.
static void testDigest() {
  Rng rng{77};
  std::vector<uint8_t> buf(3 * kDigestChunk + 1000);
  for (uint8_t &b : buf)
    b = (uint8_t)rng.next();
  const size_t lengths[] = {0,    1,    7,    31,   32,    33,  511,
                            512,  513,  1000, 4096, 65535, 65536};
  for (Isa isa : availableIsas())
    for (size_t n : lengths)
      for (size_t off : {0, 1, 13})
        CHECK(chunkHashWithIsa(isa, buf.data() + off, n, off) ==
                  chunkHashWithIsa(Isa::Scalar, buf.data() + off, n, off),
              "%s: chunk hash of %zu bytes at +%zu", isaName(isa), n, off);
  static const ParallelFor pool = threadPool(3);
  for (size_t n : {size_t(0), size_t(100), kDigestChunk, buf.size()}) {
    const uint64_t d = digestOf(buf.data(), n);
    CHECK(digest(buf.data(), n) == d && digest(buf.data(), n, pool) == d,
          "digest() of %zu bytes", n);
  }
  // Any single bit flip, swapping two stripes, zero padding or a shorter
  // length changes the digest.
  const uint64_t d = digestOf(buf.data(), buf.size());
  int same = 0;
  for (int i = 0; i < 2000; ++i) {
    size_t at = rng.next() % buf.size();
    uint8_t bit = (uint8_t)(1u << (rng.next() % 8));
    buf[at] ^= bit;
    same += digestOf(buf.data(), buf.size()) == d;
    buf[at] ^= bit;
  }
  std::vector<uint8_t> swapped(buf);
  std::swap_ranges(swapped.begin(), swapped.begin() + 32,
                   swapped.begin() + 64);
  std::vector<uint8_t> zeros(1024, 0);
  CHECK(same == 0 && digestOf(swapped.data(), swapped.size()) != d &&
            digestOf(zeros.data(), 1000) != digestOf(zeros.data(), 1024) &&
            digestOf(buf.data(), buf.size() - 1) != d &&
            chunkHash(buf.data(), 100, 0) != chunkHash(buf.data(), 100, 1),
        "digest sensitivity (%d flips kept it)", same);
}

static void testHex() {
  Rng rng{91};
  std::vector<uint8_t> bytes(3 * kHexChunk + 1000);
  for (uint8_t &b : bytes)
    b = (uint8_t)rng.next();
  for (int b = 0; b < 256; ++b) // every byte value once
    bytes[b] = (uint8_t)b;
  // Odd lengths hit the tails; offsets the unaligned loads.
  const size_t lengths[] = {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 256, 1000};
  for (Isa isa : availableIsas())
    for (size_t n : lengths)
      for (size_t off : {0, 1, 7}) {
        std::string ref(2 * n, '?'), got(2 * n + 1, '?');
        encodeHexWithIsa(Isa::Scalar, bytes.data() + off, n, &ref[0]);
        encodeHexWithIsa(isa, bytes.data() + off, n, &got[1]);
        CHECK(got.compare(1, 2 * n, ref) == 0 && got[0] == '?',
              "%s: encode of %zu bytes at +%zu", isaName(isa), n, off);
        // Decoding takes either case; the output is unaligned too.
        std::string digits = " " + ref;
        for (size_t i = 1; i < digits.size(); i += 3)
          digits[i] = (char)std::tolower((unsigned char)digits[i]);
        std::vector<uint8_t> back(n + 2, 0xA5);
        CHECK(decodeHexWithIsa(isa, digits.data() + 1, n, back.data() + 1) &&
                  std::memcmp(back.data() + 1, bytes.data() + off, n) == 0 &&
                  back[0] == 0xA5 && back[n + 1] == 0xA5,
              "%s: decode of %zu bytes at +%zu", isaName(isa), n, off);
      }
  // The known spelling, and every character that is not a digit rejected at
  // every position of a 64-digit step and of the tail.
  const uint8_t known[] = {0x00, 0x01, 0x7F, 0x80, 0xAB, 0xFF};
  char text[13] = {};
  encodeHexWithIsa(activeIsa(), known, 6, text);
  CHECK(std::string(text) == "00017F80ABFF", "encode spelling: %s", text);
  std::string valid(2 * 70, '0');
  for (Isa isa : availableIsas()) {
    std::vector<uint8_t> out(70);
    int accepted = 0, rejected = 0;
    for (int c = 0; c < 256; ++c) {
      const bool isDigit = std::isxdigit(c) != 0;
      for (size_t at : {size_t(0), size_t(33), size_t(63), size_t(64),
                        size_t(139)}) {
        std::string t = valid;
        t[at] = (char)c;
        const bool ok = decodeHexWithIsa(isa, t.data(), 70, out.data());
        (ok == isDigit ? accepted : rejected) += 1;
      }
    }
    CHECK(rejected == 0, "%s: %d characters misjudged", isaName(isa),
          rejected);
    (void)accepted;
  }
  // Threads: the same digits and bytes whatever the split.
  static const ParallelFor pool = threadPool(3);
  for (size_t n : {size_t(0), size_t(100), kHexChunk, kHexChunk + 1,
                   bytes.size()}) {
    std::string ref(2 * n, '?'), got(2 * n, '?');
    encodeHexWithIsa(Isa::Scalar, bytes.data(), n, &ref[0]);
    encodeHex(bytes.data(), n, &got[0], pool);
    std::vector<uint8_t> back(n + 1);
    CHECK(got == ref && decodeHex(got.data(), n, back.data(), pool) &&
              std::memcmp(back.data(), bytes.data(), n) == 0,
          "threaded hex of %zu bytes", n);
    if (n > kHexChunk) { // a bad digit in a later chunk is found
      got[2 * n - 1] = 'g';
      CHECK(!decodeHex(got.data(), n, back.data(), pool),
            "bad digit in the last chunk of %zu bytes", n);
    }
  }
}

int main(int argc, char **argv) {
  if (argc >= 3 && !std::strcmp(argv[1], "--encode")) {
    QType t;
    if (!parseQType(argv[2], t) || !qtypeInfo(t).isFloat) {
      std::fprintf(stderr, "--encode: need f4e2m1fn|f8e4m3fn|f8e5m2\n");
      return 2;
    }
    std::vector<float> v = readFloats();
    std::vector<uint8_t> codes(v.size());
    if (encodeFloatCodes(t, v.data(), v.size(), codes.data()) != Status::Ok) {
      std::fprintf(stderr, "--encode: cannot encode %s\n", qtypeName(t));
      return 2;
    }
    std::fwrite(codes.data(), 1, codes.size(), stdout);
    return 0;
  }
  if (argc >= 6 && !std::strcmp(argv[1], "--quantize")) {
    QType t;
    if (!parseQType(argv[2], t))
      return 2;
    Scheme sc = !std::strcmp(argv[3], "asym") ? Scheme::Asymmetric
                                              : Scheme::Symmetric;
    ScaleType st = ScaleType::F32;
    for (int i = 0; i < 4; ++i)
      if (!std::strcmp(argv[4], scaleName((ScaleType)i)))
        st = (ScaleType)i;
    int64_t R = std::atoll(argv[5]);
    std::vector<float> v = readFloats();
    if (R <= 0 || v.size() % R)
      return 2;
    BlockLayout l{{(int64_t)v.size() / R, R}, {1, R}};
    QuantParams p{t, sc, st};
    std::vector<uint8_t> src = toSrc(v, SrcType::F32);
    Out o = run(activeIsa(), src, SrcType::F32, l, p, 0, nullptr);
    if (o.r.status != Status::Ok) {
      std::fprintf(stderr, "status %d\n", (int)o.r.status);
      return 3;
    }
    int bits = qtypeBits(t);
    bool sgn = qtypeInfo(t).isSigned && !qtypeInfo(t).isFloat;
    auto emit = [&](const std::vector<uint8_t> &blob, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        uint8_t c = unpackCode(blob.data(), i, bits);
        if (sgn && bits < 8 && (c >> (bits - 1)))
          c |= (uint8_t)(0xff << bits);
        std::fputc(c, stdout);
      }
    };
    emit(o.data, l.numElements());
    std::fwrite(o.scale.data(), 1, o.scale.size() - 1, stdout);
    emit(o.zp, l.numBlocks());
    return 0;
  }

  std::printf("paths:");
  for (Isa i : availableIsas())
    std::printf(" %s", isaName(i));
  std::printf(" (active: %s)\n", isaName(activeIsa()));
  testKnownValues();
  testEncoderExhaustiveish();
  testEquivalence();
  testNearTies();
  testDigest();
  testHex();
  std::printf("%d passed, %d failed\n", gPassed, gFailed);
  return gFailed ? 1 : 0;
}

//===- SparsifyTest.cpp - Tests of the sparsification kernels -------------===//
//
// Checks sparsify() against a brute-force transcription of
// docs/spec/SPARSIFY_WEIGHTS.md §3-§4 written here: a full stable sort of
// |w| (unstructured), of the blocks' f64 sums of squares (block) and of
// every n:m group (n:m), then the mask `kept && w != 0` packed bit by bit
// and the kept values in row-major order. Also: thread-count independence,
// the two-call API, statuses, and the joint modes against the symmetric
// quantization formulas and palettize().
//
//   coreai-sparsify-test             run all tests
//   coreai-sparsify-test --quick     skip the largest weights
//   coreai-sparsify-test --sparsify <f32|f16|bf16> <d0,d1,...>
//        <unstructured s | block bs s axis | nm n m axis>
//        The weight's raw little-endian bytes on stdin; stdout: the mask
//        bytes then the values; nothing on failure (exit status 3).
//
//===----------------------------------------------------------------------===//
#include "coreai/Kernels/Packing.h"
#include "coreai/Kernels/Palettize.h"
#include "coreai/Kernels/Sparsify.h"

#include "TestSupport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

using namespace coreai::kernels;

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

static int elemSize(SrcType t) { return t == SrcType::F32 ? 4 : 2; }

/// Bits of the nearest value of the type (round half to even).
static uint32_t toBits(double d, SrcType t) {
  const float f = (float)d;
  uint32_t u;
  std::memcpy(&u, &f, 4);
  switch (t) {
  case SrcType::F32:
    return u;
  case SrcType::F16: {
    const _Float16 h = (_Float16)d;
    uint16_t b;
    std::memcpy(&b, &h, 2);
    return b;
  }
  case SrcType::BF16:
    return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  }
  return 0;
}

static double fromBits(uint32_t b, SrcType t) {
  switch (t) {
  case SrcType::F32: {
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
  case SrcType::F16: {
    _Float16 h;
    const uint16_t s = (uint16_t)b;
    std::memcpy(&h, &s, 2);
    return (double)h;
  }
  case SrcType::BF16: {
    const uint32_t u = b << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  }
  return 0;
}

struct Weight {
  SrcType st;
  std::vector<int64_t> shape;
  std::vector<uint32_t> bits; // raw bits per element
  std::vector<double> v;      // their values
  int64_t size() const { return (int64_t)bits.size(); }
  std::vector<uint8_t> raw() const {
    const int e = elemSize(st);
    std::vector<uint8_t> r(bits.size() * e);
    for (size_t i = 0; i < bits.size(); ++i)
      std::memcpy(&r[i * e], &bits[i], e); // little-endian host
    return r;
  }
};

enum class Pattern {
  Gaussian,   // N(0, 0.02)
  AllEqual,   // every element 0.05
  PlusMinus,  // +-0.05
  Rounded,    // N(0, 0.1) rounded to 2 decimals
  Zeros,      // Gaussian with 30% zeros (+0 and -0)
  NearEqual,  // 1 + a few ulps (ties in the low bits)
  FewLevels,  // 4 distinct magnitudes
};
static const char *patternName(Pattern p) {
  static const char *n[] = {"gaussian", "all-equal", "+-0.05", "rounded",
                            "zeros", "near-equal", "few-levels"};
  return n[(int)p];
}

static Weight makeWeight(SrcType st, std::vector<int64_t> shape, Pattern p,
                         Rng &rng) {
  Weight w{st, shape, {}, {}};
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  w.bits.resize(n);
  w.v.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    double d = 0;
    switch (p) {
    case Pattern::Gaussian: d = 0.02 * rng.normal(); break;
    case Pattern::AllEqual: d = 0.05; break;
    case Pattern::PlusMinus: d = rng.range(2) ? 0.05 : -0.05; break;
    case Pattern::Rounded:
      d = std::nearbyint(0.1 * rng.normal() * 100) / 100;
      break;
    case Pattern::Zeros:
      d = rng.range(10) < 3 ? (rng.range(2) ? 0.0 : -0.0) : 0.02 * rng.normal();
      break;
    case Pattern::NearEqual: {
      const double ulp = st == SrcType::F32 ? 0x1p-23 : st == SrcType::F16
                                                            ? 0x1p-10
                                                            : 0x1p-7;
      d = (rng.range(2) ? 1 : -1) * (1.0 + ulp * rng.range(4));
      break;
    }
    case Pattern::FewLevels:
      d = (rng.range(2) ? 1 : -1) * 0.25 * (1 + rng.range(4));
      break;
    }
    w.bits[i] = toBits(d, st);
    w.v[i] = fromBits(w.bits[i], st);
  }
  return w;
}

//===----------------------------------------------------------------------===//
// The spec, by brute force
//===----------------------------------------------------------------------===//

struct View {
  int64_t O = 1, C = 1, In = 1;
};
static View viewAround(const std::vector<int64_t> &shape, int axis) {
  View v;
  for (int d = 0; d < (int)shape.size(); ++d)
    (d < axis ? v.O : d == axis ? v.C : v.In) *= shape[d];
  return v;
}

/// Pruned flags per element.
static std::vector<uint8_t> refPruned(const Weight &w, const SparsityLayout &l,
                                      const SparsityParams &p) {
  const int64_t N = w.size();
  std::vector<uint8_t> pruned(N, 0);
  auto stableFirst = [](std::vector<int64_t> &idx,
                        const std::vector<double> &key, int64_t count,
                        auto &&mark) {
    std::stable_sort(idx.begin(), idx.end(),
                     [&](int64_t a, int64_t b) { return key[a] < key[b]; });
    for (int64_t q = 0; q < count; ++q)
      mark(idx[q]);
  };
  switch (p.mode) {
  case SparsityMode::Unstructured: {
    std::vector<int64_t> idx(N);
    std::iota(idx.begin(), idx.end(), 0);
    std::vector<double> mag(N);
    for (int64_t i = 0; i < N; ++i)
      mag[i] = std::fabs(w.v[i]);
    const int64_t k = (int64_t)std::floor((double)N * p.targetSparsity);
    stableFirst(idx, mag, k, [&](int64_t i) { pruned[i] = 1; });
    break;
  }
  case SparsityMode::Block: {
    const View v = viewAround(w.shape, l.outputAxis);
    const int64_t bs = p.blockSize, Cb = (v.C + bs - 1) / bs;
    const int64_t B = v.O * Cb * v.In;
    std::vector<double> score(B, 0.0);
    for (int64_t o = 0; o < v.O; ++o)
      for (int64_t c = 0; c < v.C; ++c) // ascending along the axis
        for (int64_t i = 0; i < v.In; ++i) {
          const double x = w.v[(o * v.C + c) * v.In + i];
          score[(o * Cb + c / bs) * v.In + i] += x * x;
        }
    std::vector<int64_t> idx(B);
    std::iota(idx.begin(), idx.end(), 0);
    const int64_t kB = (int64_t)std::floor((double)B * p.targetSparsity);
    std::vector<uint8_t> blockPruned(B, 0);
    stableFirst(idx, score, kB, [&](int64_t b) { blockPruned[b] = 1; });
    for (int64_t o = 0; o < v.O; ++o)
      for (int64_t c = 0; c < v.C; ++c)
        for (int64_t i = 0; i < v.In; ++i)
          pruned[(o * v.C + c) * v.In + i] =
              blockPruned[(o * Cb + c / bs) * v.In + i];
    break;
  }
  case SparsityMode::NM: {
    const View v = viewAround(w.shape, l.inputAxis);
    const int64_t m = p.m, r = v.C % m;
    for (int64_t o = 0; o < v.O; ++o)
      for (int64_t g = 0; g * m < v.C; ++g)
        for (int64_t i = 0; i < v.In; ++i) {
          const int64_t mEff = std::min(m, v.C - g * m);
          const int64_t nP =
              mEff == m ? p.n : std::max<int64_t>(0, p.n - (m - r));
          std::vector<int64_t> idx(mEff);
          std::vector<double> mag(mEff);
          for (int64_t j = 0; j < mEff; ++j) {
            idx[j] = j;
            mag[j] = std::fabs(w.v[(o * v.C + g * m + j) * v.In + i]);
          }
          stableFirst(idx, mag, nP, [&](int64_t j) {
            pruned[(o * v.C + g * m + j) * v.In + i] = 1;
          });
        }
    break;
  }
  }
  return pruned;
}

struct Expected {
  std::vector<uint8_t> mask, values;
  int64_t nnz = 0;
};
static Expected refSparsify(const Weight &w, const SparsityLayout &l,
                            const SparsityParams &p) {
  const std::vector<uint8_t> pruned = refPruned(w, l, p);
  const int e = elemSize(w.st);
  Expected x;
  x.mask.assign((w.size() + 7) / 8, 0);
  for (int64_t i = 0; i < w.size(); ++i)
    if (!pruned[i] && w.v[i] != 0) {
      x.mask[i / 8] |= (uint8_t)(1u << (i % 8));
      const size_t at = x.values.size();
      x.values.resize(at + e);
      std::memcpy(&x.values[at], &w.bits[i], e);
      ++x.nnz;
    }
  return x;
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

static std::string describe(const Weight &w, const SparsityLayout &l,
                            const SparsityParams &p, const char *pattern) {
  std::string s = std::string(srcName(w.st)) + " [";
  for (size_t i = 0; i < w.shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(w.shape[i]);
  s += "] ";
  char buf[128];
  switch (p.mode) {
  case SparsityMode::Unstructured:
    std::snprintf(buf, sizeof buf, "unstructured s=%g", p.targetSparsity);
    break;
  case SparsityMode::Block:
    std::snprintf(buf, sizeof buf, "block bs=%lld s=%g axis=%d",
                  (long long)p.blockSize, p.targetSparsity, l.outputAxis);
    break;
  case SparsityMode::NM:
    std::snprintf(buf, sizeof buf, "%lld:%lld axis=%d", (long long)p.n,
                  (long long)p.m, l.inputAxis);
    break;
  }
  return s + buf + " " + pattern;
}

static int gCases = 0;

/// sparsify() serially and on 2 and 3 threads against the reference.
static void checkCase(const Weight &w, const SparsityLayout &l,
                      const SparsityParams &p, const char *pattern) {
  ++gCases;
  const Expected x = refSparsify(w, l, p);
  const std::vector<uint8_t> raw = w.raw();
  const std::string what = describe(w, l, p, pattern);
  std::vector<uint8_t> mask, values;
  QuantResult r = sparsify(raw.data(), w.st, l, p, mask, values, nullptr);
  CHECK(r.status == Status::Ok, "%s: status %d", what.c_str(), (int)r.status);
  if (r.status != Status::Ok)
    return;
  CHECK(mask == x.mask, "%s: mask differs", what.c_str());
  CHECK(values == x.values, "%s: values differ (%zu vs %zu bytes)",
        what.c_str(), values.size(), x.values.size());
  for (int threads : {2, 3}) {
    std::vector<uint8_t> m2, v2;
    r = sparsify(raw.data(), w.st, l, p, m2, v2, threadPool(threads));
    CHECK(r.status == Status::Ok && m2 == mask && v2 == values,
          "%s: %d threads differ", what.c_str(), threads);
  }
}

static void testRandom(bool quick) {
  Rng rng{12345};
  const double sparsities[] = {0, 0.3, 0.5, 0.75, 1};
  const Pattern patterns[] = {Pattern::Gaussian, Pattern::AllEqual,
                              Pattern::PlusMinus, Pattern::Rounded,
                              Pattern::Zeros, Pattern::NearEqual,
                              Pattern::FewLevels};
  const int rounds = quick ? 120 : 400;
  for (int it = 0; it < rounds; ++it) {
    const SrcType st = (SrcType)(it % 3);
    const Pattern pat = patterns[rng.range(7)];
    const int rank = 1 + rng.range(4);
    std::vector<int64_t> shape(rank);
    for (auto &d : shape)
      d = 1 + rng.range(rank <= 2 ? 40 : 11);
    const Weight w = makeWeight(st, shape, pat, rng);
    const int axis = rng.range(rank);
    SparsityLayout l{shape, axis, axis};
    for (double s : sparsities)
      checkCase(w, l, SparsityParams::unstructured(s), patternName(pat));
    // Block: every block size up to C (the kernel computes bs > C/2 too).
    const int64_t C = shape[axis];
    for (int t = 0; t < 2; ++t) {
      const int64_t bs = 2 + rng.range((int)std::max<int64_t>(1, C));
      checkCase(w, l, SparsityParams::block(bs, sparsities[rng.range(5)]),
                patternName(pat));
    }
    // n:m: random m up to C + 1, every n.
    const int64_t m = 1 + rng.range((int)C + 1);
    for (int64_t n = 0; n <= m; n += 1 + (m > 6 ? m / 4 : 0))
      checkCase(w, l, SparsityParams::nm(n, m), patternName(pat));
    checkCase(w, l, SparsityParams::nm(m, m), patternName(pat));
  }
}

/// Named cases: the shapes of linear, batch_matmul y and conv weights,
/// tails, the default 2:4, and rank 0.
static void testShapes() {
  Rng rng{777};
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16}) {
    for (Pattern pat : {Pattern::Gaussian, Pattern::PlusMinus, Pattern::Zeros}) {
      const Weight lin = makeWeight(st, {24, 250}, pat, rng);
      checkCase(lin, {{24, 250}, 0, 1}, SparsityParams::nm(1, 3),
                patternName(pat));
      checkCase(lin, {{24, 250}, 0, 1}, SparsityParams::nm(2, 4),
                patternName(pat));
      checkCase(lin, {{24, 250}, 0, 1}, SparsityParams::nm(3, 7),
                patternName(pat));
      checkCase(lin, {{24, 250}, 0, 1}, SparsityParams::block(5, 0.5),
                patternName(pat));
      checkCase(lin, {{24, 250}, 1, 0}, SparsityParams::block(7, 0.3),
                patternName(pat));
      const Weight bmm = makeWeight(st, {3, 40, 36}, pat, rng);
      checkCase(bmm, {{3, 40, 36}, 2, 1}, SparsityParams::nm(2, 4),
                patternName(pat));
      checkCase(bmm, {{3, 40, 36}, 2, 1}, SparsityParams::block(4, 0.5),
                patternName(pat));
      checkCase(bmm, {{3, 40, 36}, 0, 0}, SparsityParams::block(2, 0.75),
                patternName(pat));
      const Weight conv = makeWeight(st, {16, 12, 3, 3}, pat, rng);
      checkCase(conv, {{16, 12, 3, 3}, 0, 1}, SparsityParams::nm(2, 4),
                patternName(pat));
      checkCase(conv, {{16, 12, 3, 3}, 0, 1}, SparsityParams::block(3, 0.5),
                patternName(pat));
      checkCase(conv, {{16, 12, 3, 3}, 3, 2}, SparsityParams::nm(1, 2),
                patternName(pat));
      const Weight scalar = makeWeight(st, {}, pat, rng);
      for (double s : {0.0, 0.5, 1.0})
        checkCase(scalar, {{}, 0, 0}, SparsityParams::unstructured(s),
                  patternName(pat));
    }
  }
}

/// Weights spanning several chunks, with rows not aligned to bytes.
static void testLarge(bool quick) {
  Rng rng{4242};
  struct Big {
    std::vector<int64_t> shape;
    int a, b;
  };
  std::vector<Big> bigs = {{{700, 1000}, 0, 1}, {{7, 3001, 13}, 1, 1},
                           {{3, 5, 20011}, 2, 1}};
  if (quick)
    bigs.resize(1);
  for (const Big &g : bigs) {
    for (SrcType st : {SrcType::F32, SrcType::F16}) {
      for (Pattern pat : {Pattern::Gaussian, Pattern::Zeros, Pattern::NearEqual,
                          Pattern::AllEqual}) {
        const Weight w = makeWeight(st, g.shape, pat, rng);
        const SparsityLayout l{g.shape, g.a, g.b};
        checkCase(w, l, SparsityParams::unstructured(0.3), patternName(pat));
        checkCase(w, l, SparsityParams::unstructured(0.5), patternName(pat));
        checkCase(w, l, SparsityParams::block(3, 0.5), patternName(pat));
        checkCase(w, l, SparsityParams::nm(2, 4), patternName(pat));
        checkCase(w, l, SparsityParams::nm(3, 5), patternName(pat));
      }
    }
  }
}

/// Unstructured selection of weights big enough to be cut in a band around
/// the threshold (and to fall back to the histogram when the band misses),
/// and n:m, on every instruction set: the same bytes as the reference.
static void testBand(bool quick) {
  Rng rng{777};
  const std::vector<int64_t> shape = {quick ? 600 : 1200, 997};
  const SparsityLayout l{shape, 0, 1};
  const std::vector<Isa> isas = availableIsas();
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16}) {
    for (Pattern pat : {Pattern::Gaussian, Pattern::Zeros, Pattern::Rounded,
                        Pattern::FewLevels, Pattern::PlusMinus}) {
      const Weight w = makeWeight(st, shape, pat, rng);
      for (Isa isa : isas) {
        if (isa == Isa::Scalar)
          continue;
        setActiveIsa(isa);
        for (double s : {0.0, 1e-6, 0.3, 0.5, 0.9, 0.999999})
          checkCase(w, l, SparsityParams::unstructured(s), patternName(pat));
      }
      setActiveIsa(isas.back());
    }
  }
  // n:m in groups of 2, 4, 8 and 16 contiguous elements (the vector path
  // when the groups tile the rows) and of 5.
  const std::vector<int64_t> rows = {quick ? 96 : 384, 1040};
  const SparsityLayout lr{rows, 0, 1};
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16}) {
    for (Pattern pat : {Pattern::Gaussian, Pattern::Zeros, Pattern::FewLevels,
                        Pattern::AllEqual}) {
      const Weight w = makeWeight(st, rows, pat, rng);
      for (Isa isa : isas) {
        if (isa == Isa::Scalar)
          continue;
        setActiveIsa(isa);
        for (auto [n, m] : {std::pair<int, int>{1, 2}, {2, 4}, {3, 4},
                            {4, 8}, {5, 16}, {2, 5}})
          checkCase(w, lr, SparsityParams::nm(n, m), patternName(pat));
      }
      setActiveIsa(isas.back());
    }
  }
  // A NaN late in a band-selected weight: its index, on every path.
  const Weight w = makeWeight(SrcType::F32, shape, Pattern::Gaussian, rng);
  std::vector<uint8_t> raw = w.raw(), m, v;
  const float nan = NAN;
  const int64_t at = w.size() - 5;
  std::memcpy(&raw[4 * at], &nan, 4);
  for (Isa isa : isas) {
    setActiveIsa(isa);
    for (const ParallelFor &pf : {ParallelFor(), threadPool(2)}) {
      QuantResult r = sparsify(raw.data(), SrcType::F32, l,
                               SparsityParams::unstructured(0.5), m, v, pf);
      CHECK(r.status == Status::NonFinite && r.firstBadElement == at,
            "band NaN on %s: %d at %lld", isaName(isa), (int)r.status,
            (long long)r.firstBadElement);
    }
  }
  setActiveIsa(isas.back());
}

/// The counts the spec states, independently of the reference.
static void testCounts() {
  Rng rng{99};
  auto zeros = [](const std::vector<uint8_t> &mask, int64_t n) {
    int64_t z = 0;
    for (int64_t i = 0; i < n; ++i)
      z += !unpackCode(mask.data(), i, 1);
    return z;
  };
  // +-0.05 at s = 0.5: exactly half (the reference prunes 100%).
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16}) {
    const Weight w = makeWeight(st, {512, 256}, Pattern::PlusMinus, rng);
    std::vector<uint8_t> mask, values;
    sparsify(w.raw().data(), st, {{512, 256}, 0, 1},
             SparsityParams::unstructured(0.5), mask, values, nullptr);
    CHECK(zeros(mask, w.size()) == w.size() / 2, "%s +-0.05: %lld zeros",
          srcName(st), (long long)zeros(mask, w.size()));
    // Ties go to the lower index: the first half is pruned.
    CHECK(mask[0] == 0 && mask[w.size() / 8 - 1] == 0xff,
          "%s +-0.05: not the lowest indices first", srcName(st));
  }
  // floor(N*s) for N = 131072, s = 0.3 (the reference prunes 39322).
  {
    const Weight w = makeWeight(SrcType::F32, {512, 256}, Pattern::Gaussian, rng);
    std::vector<uint8_t> mask, values;
    sparsify(w.raw().data(), SrcType::F32, {{512, 256}, 0, 1},
             SparsityParams::unstructured(0.3), mask, values, nullptr);
    CHECK(zeros(mask, w.size()) == 39321, "s=0.3: %lld zeros",
          (long long)zeros(mask, w.size()));
  }
  // 1:3 on C = 250: 83 zeros per row (the tail of 1 prunes nothing).
  {
    const Weight w = makeWeight(SrcType::F32, {4, 250}, Pattern::Gaussian, rng);
    std::vector<uint8_t> mask, values;
    sparsify(w.raw().data(), SrcType::F32, {{4, 250}, 0, 1},
             SparsityParams::nm(1, 3), mask, values, nullptr);
    CHECK(zeros(mask, w.size()) == 4 * 83, "1:3: %lld zeros",
          (long long)zeros(mask, w.size()));
    // 3:4 on C = 250: the tail of 2 prunes max(0, 3 - 2) = 1.
    sparsify(w.raw().data(), SrcType::F32, {{4, 250}, 0, 1},
             SparsityParams::nm(3, 4), mask, values, nullptr);
    CHECK(zeros(mask, w.size()) == 4 * (62 * 3 + 1), "3:4: %lld zeros",
          (long long)zeros(mask, w.size()));
  }
  // Blocks: floor(B*s) whole blocks with a partial tail: C = 10, bs = 4
  // gives 3 blocks per column, B = 3 * 6 = 18, s = 0.5 prunes 9 blocks.
  {
    const SparsityLayout l{{10, 6}, 0, 1};
    const SparsityTarget t = sparsityTarget(l, SparsityParams::block(4, 0.5));
    CHECK(t.units == 18 && t.prunedUnits == 9, "block target %lld/%lld",
          (long long)t.units, (long long)t.prunedUnits);
  }
  // Targets.
  {
    SparsityTarget t = sparsityTarget({{4, 250}, 0, 1}, SparsityParams::nm(1, 3));
    CHECK(t.prunedUnits == 4 * 83, "nm target %lld", (long long)t.prunedUnits);
    t = sparsityTarget({{3, 7}, 0, 1}, SparsityParams::unstructured(1.0));
    CHECK(t.units == 21 && t.prunedUnits == 21, "s=1 target");
  }
  // Existing zeros beyond k stay zeros; -0 has mask bit 0.
  {
    const Weight w = makeWeight(SrcType::F16, {64}, Pattern::AllEqual, rng);
    Weight z = w;
    for (int i = 0; i < 40; ++i) {
      z.bits[i] = i % 2 ? 0x8000u : 0u;
      z.v[i] = 0;
    }
    std::vector<uint8_t> mask, values;
    sparsify(z.raw().data(), SrcType::F16, {{64}, 0, 0},
             SparsityParams::unstructured(0.25), mask, values, nullptr);
    CHECK(zeros(mask, 64) == 40 && values.size() == 2 * 24,
          "existing zeros: %lld", (long long)zeros(mask, 64));
  }
}

/// The two-call API, sizes, splats, decoding, statuses.
static void testApi() {
  Rng rng{5};
  const Weight w = makeWeight(SrcType::F32, {33, 17}, Pattern::Zeros, rng);
  const std::vector<uint8_t> raw = w.raw();
  const SparsityLayout l{{33, 17}, 0, 1};
  SparsityPlan plan;
  CHECK(!plan.isReady(), "fresh plan is ready");
  QuantResult r = planSparsity(raw.data(), SrcType::F32, l,
                               SparsityParams::nm(2, 4), threadPool(2), plan);
  CHECK(r.status == Status::Ok && plan.isReady(), "plan");
  const SparsitySizes z = sparsitySizes(plan);
  const Expected x = refSparsify(w, l, SparsityParams::nm(2, 4));
  CHECK(z.maskBytes == (33 * 17 + 7) / 8 && z.numValues == x.nnz &&
            z.valueBytes == (size_t)x.nnz * 4 && plan.numNonZero() == x.nnz,
        "sizes");
  std::vector<uint8_t> mask(z.maskBytes, 0xee), values(z.valueBytes, 0xee);
  CHECK(writeSparsity(plan, {mask.data(), values.data()}, nullptr) ==
            Status::Ok,
        "write");
  CHECK(mask == x.mask && values == x.values, "two-call outputs");
  // Popcount = numNonZero; the mask's padding bits are 0.
  int64_t pop = 0;
  for (uint8_t b : mask)
    pop += __builtin_popcount(b);
  CHECK(pop == z.numValues, "popcount %lld", (long long)pop);
  // Writing again into dirty buffers gives the same bytes.
  std::fill(mask.begin(), mask.end(), 0xff);
  writeSparsity(plan, {mask.data(), values.data()}, threadPool(3));
  CHECK(mask == x.mask, "second write");
  // Decoding gives the pruned weight (+0 for every 0 bit).
  std::vector<uint8_t> dense(raw.size());
  CHECK(decodeSparse(w.size(), SrcType::F32, mask.data(), values.data(),
                     z.numValues, dense.data()) == Status::Ok,
        "decode");
  const std::vector<uint8_t> pruned = refPruned(w, l, SparsityParams::nm(2, 4));
  bool same = true;
  for (int64_t i = 0; i < w.size(); ++i) {
    float f;
    std::memcpy(&f, &dense[4 * i], 4);
    uint32_t u;
    std::memcpy(&u, &f, 4);
    const uint32_t want = (pruned[i] || w.v[i] == 0) ? 0u : w.bits[i];
    same &= u == want;
  }
  CHECK(same, "decoded weight");
  CHECK(decodeSparse(w.size(), SrcType::F32, mask.data(), values.data(),
                     z.numValues - 1, dense.data()) == Status::InvalidArgument,
        "decode with a short value count");

  // Splats.
  std::vector<uint8_t> m, v;
  const SparsityLayout l2{{8, 8}, 0, 1};
  const Weight g = makeWeight(SrcType::F16, {8, 8}, Pattern::Gaussian, rng);
  planSparsity(g.raw().data(), SrcType::F16, l2,
               SparsityParams::unstructured(1.0), nullptr, plan);
  CHECK(sparsitySizes(plan).maskAllFalse && sparsitySizes(plan).valueBytes == 0,
        "s = 1 splat");
  planSparsity(g.raw().data(), SrcType::F16, l2,
               SparsityParams::unstructured(0.0), nullptr, plan);
  CHECK(sparsitySizes(plan).maskAllTrue, "s = 0 splat");
  std::vector<uint8_t> one(8);
  CHECK(writeSparsity(plan, {one.data(), nullptr}, nullptr) ==
            Status::InvalidArgument,
        "null values with nnz > 0");

  // Statuses.
  std::vector<uint8_t> bad = g.raw();
  const uint16_t nan = 0x7e00, inf = 0xfc00;
  std::memcpy(&bad[2 * 37], &inf, 2);
  std::memcpy(&bad[2 * 50], &nan, 2);
  for (const SparsityParams &p :
       {SparsityParams::unstructured(0.5), SparsityParams::unstructured(1.0),
        SparsityParams::block(2, 0.5), SparsityParams::nm(2, 4)}) {
    r = sparsify(bad.data(), SrcType::F16, l2, p, m, v, threadPool(2));
    CHECK(r.status == Status::NonFinite && r.firstBadElement == 37,
          "non-finite mode %d: %d at %lld", (int)p.mode, (int)r.status,
          (long long)r.firstBadElement);
  }
  std::vector<float> f32(300, 0.5f);
  f32[299] = NAN;
  r = sparsify(f32.data(), SrcType::F32, {{300}, 0, 0},
               SparsityParams::unstructured(0.5), m, v, nullptr);
  CHECK(r.status == Status::NonFinite && r.firstBadElement == 299, "f32 NaN");
  auto invalid = [&](const SparsityLayout &lay, const SparsityParams &p) {
    return sparsify(g.raw().data(), SrcType::F16, lay, p, m, v, nullptr)
               .status == Status::InvalidArgument;
  };
  CHECK(invalid(l2, SparsityParams::unstructured(-0.1)), "s < 0");
  CHECK(invalid(l2, SparsityParams::unstructured(1.5)), "s > 1");
  CHECK(invalid(l2, SparsityParams::unstructured(NAN)), "s NaN");
  CHECK(invalid(l2, SparsityParams::block(1, 0.5)), "bs 1");
  CHECK(invalid(l2, SparsityParams::nm(3, 2)), "n > m");
  CHECK(invalid(l2, SparsityParams::nm(0, 0)), "m 0");
  CHECK(invalid({{8, 8}, 2, 1}, SparsityParams::block(2, 0.5)), "axis 2");
  CHECK(invalid({{8, 8}, 0, -1}, SparsityParams::nm(1, 2)), "axis -1");
  CHECK(invalid({{8, 0}, 0, 1}, SparsityParams::unstructured(0.5)), "dim 0");
  CHECK(sparsify(nullptr, SrcType::F16, l2, SparsityParams::nm(1, 2), m, v,
                 nullptr)
                .status == Status::InvalidArgument,
        "null src");

  // Applicability (the pass's skips).
  CHECK(sparsityApplicability({{100, 8}, 0, 1}, SparsityParams::block(51, 0.5)) ==
            SparsityApplicability::BlockTooLarge,
        "bs 51 on 100");
  CHECK(sparsityApplicability({{100, 8}, 0, 1}, SparsityParams::block(50, 0.5)) ==
            SparsityApplicability::Ok,
        "bs 50 on 100");
  CHECK(sparsityApplicability({{8, 3}, 0, 1}, SparsityParams::nm(2, 4)) ==
            SparsityApplicability::MTooLarge,
        "m 4 on 3");
  CHECK(sparsityApplicability({{64}, 0, 0}, SparsityParams::nm(2, 4)) ==
            SparsityApplicability::Rank1,
        "rank 1 n:m");
  CHECK(sparsityApplicability({{64}, 0, 0}, SparsityParams::block(2, 0.5)) ==
            SparsityApplicability::Rank1,
        "rank 1 block");
  CHECK(sparsityApplicability({{64}, 0, 0}, SparsityParams::unstructured(0.5)) ==
            SparsityApplicability::Ok,
        "rank 1 unstructured");
}

//===----------------------------------------------------------------------===//
// Joint modes
//===----------------------------------------------------------------------===//

/// Q's symmetric rules written out (spec §5, B and C): f32 arithmetic, the
/// scale rounded to T first (raised to T's smallest normal), true division,
/// round half to even, clip.
static void refQuantInt(const std::vector<double> &vals, SrcType st, bool u8,
                        std::vector<uint8_t> &codes, double &scale) {
  float amax = 0;
  for (double d : vals)
    amax = std::max(amax, (float)std::fabs(d));
  float s = (2.f * amax + 1e-6f) / 254.f;
  double sT = fromBits(toBits(s, st), st);
  const double minNormal = st == SrcType::F16 ? 0x1p-14 : 0x1p-126;
  if (sT < minNormal)
    sT = minNormal;
  s = (float)sT;
  scale = sT;
  codes.clear();
  for (double d : vals) {
    float q = std::nearbyint((float)d / s);
    if (u8) {
      q += 127.f;
      q = std::min(254.f, std::max(0.f, q));
    } else {
      q = std::min(127.f, std::max(-127.f, q));
    }
    codes.push_back((uint8_t)(int)q);
  }
}

/// FP8 value of a code (E4M3FN: bias 7, 3 mantissa bits; E5M2: bias 15, 2).
static double refFp8(uint8_t c, bool e4m3) {
  const int mb = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;
  const int e = (c & 0x7f) >> mb, m = c & ((1 << mb) - 1);
  const double v = e == 0 ? std::ldexp(m, 1 - bias - mb)
                          : std::ldexp((1 << mb) + m, e - bias - mb);
  return c & 0x80 ? -v : v;
}

static void testJoint() {
  Rng rng{31};
  for (SrcType st : {SrcType::F32, SrcType::F16, SrcType::BF16}) {
    const Weight w = makeWeight(st, {64, 48}, Pattern::Gaussian, rng);
    std::vector<uint8_t> mask, values;
    sparsify(w.raw().data(), st, {{64, 48}, 0, 1}, SparsityParams::nm(2, 4),
             mask, values, nullptr);
    const int64_t nnz = (int64_t)values.size() / elemSize(st);
    std::vector<double> vals(nnz);
    for (int64_t i = 0; i < nnz; ++i) {
      uint32_t b = 0;
      std::memcpy(&b, &values[i * elemSize(st)], elemSize(st));
      vals[i] = fromBits(b, st);
    }
    // INT8 and UINT8.
    for (QType q : {QType::SI8, QType::UI8}) {
      std::vector<uint8_t> codes(nnz), scale(elemSize(st));
      QuantResult r = quantizeSparseValues(values.data(), st, nnz, q,
                                           codes.data(), scale.data(), nullptr);
      std::vector<uint8_t> want;
      double wantScale;
      refQuantInt(vals, st, q == QType::UI8, want, wantScale);
      uint32_t sb = 0;
      std::memcpy(&sb, scale.data(), elemSize(st));
      CHECK(r.status == Status::Ok && codes == want &&
                fromBits(sb, st) == wantScale,
            "%s %s codes/scale", srcName(st), q == QType::SI8 ? "int8" : "uint8");
      CHECK(sparseValueZeroPointCode(q) == (q == QType::UI8 ? 127 : 0),
            "zero point");
      // The same codes on a thread pool.
      std::vector<uint8_t> c2(nnz), s2(elemSize(st));
      quantizeSparseValues(values.data(), st, nnz, q, c2.data(), s2.data(),
                           threadPool(2));
      CHECK(c2 == codes && s2 == scale, "quantized values on threads");
    }
    // FP8: each code is the RNE cast of v / scale (nearest value, ties to
    // the even code).
    for (QType q : {QType::F8E4M3FN, QType::F8E5M2}) {
      const bool e4 = q == QType::F8E4M3FN;
      std::vector<uint8_t> codes(nnz), scale(elemSize(st));
      QuantResult r = quantizeSparseValues(values.data(), st, nnz, q,
                                           codes.data(), scale.data(), nullptr);
      CHECK(r.status == Status::Ok, "%s fp8 status", srcName(st));
      uint32_t sb = 0;
      std::memcpy(&sb, scale.data(), elemSize(st));
      const double s = fromBits(sb, st);
      float amax = 0;
      for (double d : vals)
        amax = std::max(amax, (float)std::fabs(d));
      const float fmax = e4 ? 448.f : 57344.f;
      const double minNormal = st == SrcType::F16 ? 0x1p-14 : 0x1p-126;
      const double want = std::max(
          minNormal,
          fromBits(toBits((2.f * amax + 1e-6f) / (2.f * fmax), st), st));
      CHECK(s == want, "%s fp8 scale %g vs %g", srcName(st), s, want);
      bool ok = true;
      for (int64_t i = 0; i < nnz && ok; ++i) {
        const double y = (double)((float)vals[i] / (float)s);
        const double got = refFp8(codes[i], e4);
        for (int c = 0; c < 256; ++c) {
          const double other = refFp8((uint8_t)c, e4);
          if (!std::isfinite(other) || std::fabs(other) > fmax)
            continue;
          if (std::fabs(other - y) < std::fabs(got - y))
            ok = false;
        }
      }
      CHECK(ok, "%s %s: a code is not the nearest", srcName(st),
            e4 ? "e4m3" : "e5m2");
    }
    // Palettization of the values, every n.
    for (int nb : {1, 2, 3, 4, 6, 8}) {
      const PaletteLayout pl = sparseValuePaletteLayout(nnz);
      const PaletteParams pp = sparseValuePaletteParams(nb);
      const PaletteSizes ps = paletteSizes(pl, st, pp);
      CHECK(ps.lutShape == (std::vector<int64_t>{1, int64_t(1) << nb, 1}) &&
                ps.indexBytes == (size_t)((nnz * nb + 7) / 8),
            "%s %d-bit sizes", srcName(st), nb);
      std::vector<uint8_t> idx(ps.indexBytes), lut(ps.lutBytes);
      QuantResult r = palettizeSparseValues(values.data(), st, nnz, nb,
                                            {idx.data(), lut.data(), nullptr},
                                            nullptr);
      // The same as palettize() on the 1-D values, and on threads.
      std::vector<uint8_t> idx2(ps.indexBytes), lut2(ps.lutBytes);
      palettize(values.data(), st, pl, pp, {idx2.data(), lut2.data(), nullptr},
                threadPool(2));
      CHECK(r.status == Status::Ok && idx == idx2 && lut == lut2,
            "%s %d-bit palettized values", srcName(st), nb);
      // Every decoded value is nearer its own entry than the SSE allows.
      std::vector<uint8_t> dec(nnz * elemSize(st));
      decodePalettized(pl, st, pp, idx.data(), lut.data(), nullptr, dec.data());
      double se = 0, ss = 0;
      for (int64_t i = 0; i < nnz; ++i) {
        uint32_t b = 0;
        std::memcpy(&b, &dec[i * elemSize(st)], elemSize(st));
        se += (fromBits(b, st) - vals[i]) * (fromBits(b, st) - vals[i]);
        ss += vals[i] * vals[i];
      }
      CHECK(10 * std::log10(ss / se) > 5.0 * nb - 2, "%s %d-bit SQNR %.2f",
            srcName(st), nb, 10 * std::log10(ss / se));
    }
    // Nothing to compress.
    uint8_t c[4], sc[4];
    CHECK(quantizeSparseValues(values.data(), st, 0, QType::SI8, c, sc,
                               nullptr)
                  .status == Status::InvalidArgument,
          "nnz 0 quantize");
    CHECK(quantizeSparseValues(values.data(), st, nnz, QType::SI4, c, sc,
                               nullptr)
                  .status == Status::InvalidArgument,
          "int4 values");
    CHECK(palettizeSparseValues(values.data(), st, 0, 4, {c, sc, nullptr},
                                nullptr)
                  .status == Status::InvalidArgument,
          "nnz 0 palettize");
    CHECK(palettizeSparseValues(values.data(), st, nnz, 5, {c, sc, nullptr},
                                nullptr)
                  .status == Status::InvalidArgument,
          "5-bit palettize");
  }
  // E5M2 with f16 weights: the scale does not overflow (the reference's
  // 2 * 57344 in f16 does).
  {
    std::vector<uint16_t> vals = {0x3c00, 0xbc00, 0x3800}; // 1, -1, 0.5
    uint8_t codes[3];
    uint16_t scale = 0;
    QuantResult r = quantizeSparseValues(vals.data(), SrcType::F16, 3,
                                         QType::F8E5M2, codes, &scale, nullptr);
    CHECK(r.status == Status::Ok && scale != 0 && codes[0] != 0,
          "e5m2 f16 scale %04x", scale);
  }
}

//===----------------------------------------------------------------------===//
// Command line for the numpy transcription
//===----------------------------------------------------------------------===//

static int sparsifyCli(int argc, char **argv) {
  if (argc < 5)
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
  SparsityLayout l;
  for (char *d = argv[3]; *d;) {
    l.shape.push_back(std::strtoll(d, &d, 10));
    if (*d == ',')
      ++d;
  }
  SparsityParams p;
  const std::string mode = argv[4];
  if (mode == "unstructured" && argc == 6) {
    p = SparsityParams::unstructured(std::atof(argv[5]));
  } else if (mode == "block" && argc == 8) {
    p = SparsityParams::block(std::atoll(argv[5]), std::atof(argv[6]));
    l.outputAxis = std::atoi(argv[7]);
  } else if (mode == "nm" && argc == 8) {
    p = SparsityParams::nm(std::atoll(argv[5]), std::atoll(argv[6]));
    l.inputAxis = std::atoi(argv[7]);
  } else {
    return 2;
  }
  std::vector<uint8_t> src((size_t)l.numElements() * elemSize(st));
  if (std::fread(src.data(), 1, src.size(), stdin) != src.size())
    return 2;
  std::vector<uint8_t> mask, values;
  if (sparsify(src.data(), st, l, p, mask, values, threadPool(2)).status !=
      Status::Ok)
    return 3;
  std::fwrite(mask.data(), 1, mask.size(), stdout);
  std::fwrite(values.data(), 1, values.size(), stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !std::strcmp(argv[1], "--sparsify"))
    return sparsifyCli(argc, argv);
  const bool quick = argc > 1 && !std::strcmp(argv[1], "--quick");
  testApi();
  testCounts();
  testShapes();
  testJoint();
  testRandom(quick);
  testLarge(quick);
  testBand(quick);
  std::printf("%d checks passed, %d failed (%d sparsify cases)\n", gPassed,
              gFailed, gCases);
  return gFailed ? 1 : 0;
}

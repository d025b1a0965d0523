//===- SparsifySelect.cpp - Which elements are pruned ---------------------===//
//
// The selections of Sparsify.h, each in linear time and without sorting
// the weight:
//   Unstructured: on weights of kBandMinElements or more, one pass counts
//     the keys (|w| bits) under and over a band around the cut, estimated
//     from a strided sample, and gathers the keys in it; the exact k-th
//     smallest key is found among those (selectInBand). Otherwise, or when
//     the band misses the cut, a histogram of the top 15 bits of |w| per
//     chunk finds the bucket of the k-th smallest |w|; for f32 the low 16
//     bits of the elements in that bucket are gathered and nth_element finds
//     the exact key. Either way each chunk's counts above and at the
//     threshold give where its values go.
//   Block: the block scores (f64 sums of squares) in one pass, into reused
//     memory, with a histogram of their exponent and top mantissa bits; a
//     second pass gathers the scores of the bucket holding the cut (chunk
//     by chunk, in block order), the exact cut is found among them, and a
//     pass in block order marks the kept blocks.
//   NM (SparsifyNM.cpp): the choice within a group is made while writing.
// Every pass is cut into chunks fixed by the layout, and counts are exact
// integers, so nothing depends on the ParallelFor.
//
//===----------------------------------------------------------------------===//
#include "SparsifyInternal.h"
#include "KernelsInternal.h"
#include "coreai/Kernels/OutputBuffers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

static int64_t firstNonFiniteIn(const SparsityPlanState &s, int64_t b,
                                int64_t e) {
  const bool wide = s.st == SrcType::F32;
  const uint32_t bad = nonFiniteKey(s.st);
  for (int64_t i = b; i < e; ++i)
    if (magnitudeKey(s.src, wide, i) >= bad)
      return i;
  return -1;
}

/// The first NaN/Inf of the chunks flagged in `bad` (in chunk order).
QuantResult nonFiniteResult(const SparsityPlanState &s,
                            const std::vector<uint8_t> &bad) {
  for (size_t c = 0; c < bad.size(); ++c)
    if (bad[c])
      return {Status::NonFinite,
              firstNonFiniteIn(s, s.chunks[c].begin, s.chunks[c].end)};
  return {Status::Ok, -1};
}

static int64_t floorCount(int64_t units, double s) {
  return (int64_t)std::floor((double)units * s);
}

/// Offsets of the chunks' values from their counts.
void finishChunks(SparsityPlanState &s) {
  int64_t off = 0;
  for (SparseChunk &c : s.chunks) {
    c.valueOffset = off;
    off += c.numNonZero;
  }
  s.numNonZero = off;
}

namespace {

/// Key of element i of a weight of U (uint16_t: f16/bf16, uint32_t: f32).
template <class U> inline uint32_t keyAt(const uint8_t *src, int64_t i) {
  U u;
  std::memcpy(&u, src + sizeof(U) * i, sizeof(U));
  return (uint32_t)u & (sizeof(U) == 4 ? 0x7fffffffu : 0x7fffu);
}

/// |w| of a finite key as f32 (exact), without branches; f16 through
/// integers so that no f32 subnormal is involved.
template <SrcType ST> inline float magnitudeOf(uint32_t key) {
  if constexpr (ST == SrcType::F32) {
    return u2f(key);
  } else if constexpr (ST == SrcType::BF16) {
    return u2f(key << 16);
  } else {
    const uint32_t e = key >> 10, m = key & 0x3ffu;
    const uint32_t mant = m | (e != 0 ? 0x400u : 0u);
    const uint32_t ex = e != 0 ? e : 1u; // value = mant * 2^(ex - 25)
    return (float)(int32_t)mant * u2f((ex - 25u + 127u) << 23);
  }
}


} // namespace

BandScan bandScanScalar(const void *w, bool wide, int64_t begin, int64_t end,
                        uint32_t lo, uint32_t hi, uint32_t bad, uint32_t *out,
                        int64_t capacity) {
  BandScan r;
  for (int64_t i = begin; i < end; ++i) {
    const uint32_t key = magnitudeKey(w, wide, i);
    r.nonFinite |= key >= bad;
    if (key < lo) {
      ++r.below;
    } else if (key > hi) {
      ++r.above;
    } else {
      if (r.inBand == capacity) {
        r.overflow = true;
        return r;
      }
      out[r.inBand++] = key;
    }
  }
  return r;
}

static BandScan bandScanGeneric(const void *w, bool wide, int64_t n,
                                uint32_t lo, uint32_t hi, uint32_t bad,
                                uint32_t *out, int64_t capacity) {
  return bandScanScalar(w, wide, 0, n, lo, hi, bad, out, capacity);
}

const SparseScanKernels &sparseScanKernels() {
  static const SparseScanKernels generic = {
      bandScanGeneric, nullptr, nullptr, nullptr, addSquaresScalar};
  if (activeIsa() == Isa::AVX512)
    if (const SparseScanKernels *k = sparseScanAVX512Kernels())
      return *k;
  return generic;
}

namespace {

//===----------------------------------------------------------------------===//
// Unstructured
//===----------------------------------------------------------------------===//

constexpr int64_t kBins = int64_t(1) << 15;
/// Weights from this size select in a band first (selectInBand).
constexpr int64_t kBandMinElements = int64_t(1) << 18;

/// Chunks of kFlatChunk elements, more for big weights so that the
/// histograms stay within kMaxFlatChunks * 128 KB (a multiple of 8, so
/// that every chunk starts on a mask byte).
void makeFlatChunks(SparsityPlanState &s) {
  const int64_t N = s.N;
  const int64_t chunk = std::max(
      kFlatChunk, ((N + kMaxFlatChunks - 1) / kMaxFlatChunks + 7) / 8 * 8);
  const int64_t nc = (N + chunk - 1) / chunk;
  s.chunks.assign((size_t)nc, SparseChunk());
  for (int64_t c = 0; c < nc; ++c) {
    s.chunks[c].begin = c * chunk;
    s.chunks[c].end = std::min(N, (c + 1) * chunk);
  }
}

/// Keys (|w| bits, or block score bits) in order: one chunk's, or all.
template <class K> struct KeyRun {
  const K *keys = nullptr;
  int64_t count = 0;
  const K *begin() const { return keys; }
  const K *end() const { return keys + count; }
};

/// A cut among keys: prune those below T, and the first r equal to T.
struct Cut {
  uint64_t T;
  int64_t r;
};

/// The k-th smallest key (0-based) of `runs` (0 <= k < their number of
/// keys) as T, with r the number of the k smallest equal to it: a histogram
/// of up to 2^16 ranges of keys finds the range holding it, then
/// nth_element the key among that range's keys. Keys that share all but
/// their low 16 bits get one range per key, so ties are counted, never
/// copied.
template <class K>
Cut kthSmallest(const std::vector<KeyRun<K>> &runs, int64_t k) {
  K mn = ~K(0), mx = 0;
  for (const KeyRun<K> &v : runs)
    for (K key : v) {
      mn = std::min(mn, key);
      mx = std::max(mx, key);
    }
  const uint64_t span = mx - mn;
  const int bits = span ? 64 - __builtin_clzll(span) : 0;
  const int shift = std::max(0, bits - 16);
  std::vector<int64_t> hist((size_t)(span >> shift) + 1, 0);
  for (const KeyRun<K> &v : runs)
    for (K key : v)
      ++hist[(key - mn) >> shift];
  int64_t bin = 0, before = 0;
  while (before + hist[bin] <= k)
    before += hist[bin++];
  if (shift == 0) // the range is one key
    return {mn + (uint64_t)bin, k - before};
  std::vector<K> inBin;
  inBin.reserve((size_t)hist[bin]);
  for (const KeyRun<K> &v : runs)
    for (K key : v)
      if ((int64_t)((key - mn) >> shift) == bin)
        inBin.push_back(key);
  const int64_t k2 = k - before;
  std::nth_element(inBin.begin(), inBin.begin() + k2, inBin.end());
  const K T = inBin[k2];
  int64_t less = before;
  for (int64_t i = 0; i < k2; ++i)
    less += inBin[i] < T;
  return {T, k - less};
}

/// Sets T and r (the k-th smallest key, 0-based, and how many of the k
/// smallest equal it) and the chunks' counts from the keys of a band (a
/// range of keys) that holds the k-th smallest: `below` keys lie under the
/// band, cand[c] are chunk c's keys in the band and above[c] its keys over
/// it. Used by selectInBand and by the histogram selection of f32 keys.
void cutInBand(SparsityPlanState &s, int64_t k, int64_t below,
               const std::vector<KeyRun<uint32_t>> &cand,
               const std::vector<int64_t> &above, std::vector<int64_t> &gt,
               std::vector<int64_t> &eq, const ParallelFor &pf) {
  const Cut cut = kthSmallest(cand, k - below);
  const uint32_t T = (uint32_t)cut.T;
  s.T = T;
  s.r = cut.r;
  runParallel(pf, cand.size(), [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) {
      int64_t g = above[c], q = 0;
      for (uint32_t key : cand[c]) {
        g += key > T;
        q += key == T;
      }
      gt[c] = g;
      eq[c] = q;
    }
  });
}

/// The chunks' shares of the elements at T (the first r in flat order are
/// pruned) and their counts of values, from gt / eq.
void finishUnstructured(SparsityPlanState &s, const std::vector<int64_t> &gt,
                        const std::vector<int64_t> &eq) {
  // Kept elements at T == 0 are zeros and store nothing.
  int64_t eqBefore = 0;
  for (size_t c = 0; c < s.chunks.size(); ++c) {
    SparseChunk &ch = s.chunks[c];
    ch.eqBefore = eqBefore;
    ch.eqCount = eq[c];
    const int64_t prunedEq =
        std::min(eq[c], std::max<int64_t>(0, s.r - eqBefore));
    ch.numNonZero = gt[c] + (s.T == 0 ? 0 : eq[c] - prunedEq);
    eqBefore += eq[c];
  }
  finishChunks(s);
}

enum class BandOutcome { Done, Failed, Missed };

/// The selection in one pass over the weight: a band of keys around the
/// k-th smallest is estimated from a strided sample of kSample keys, the
/// pass counts the keys under and over it and gathers those in it, and the
/// exact cut is made among them. Missed (nothing changed but the chunks)
/// when the band turns out not to hold the k-th smallest key or holds far
/// more keys than estimated (ties); the histogram selection then runs.
/// Failed, with `failure` set, for a NaN/Inf or a lack of memory.
BandOutcome selectInBand(SparsityPlanState &s, int64_t k,
                         const ParallelFor &pf, QuantResult &failure) {
  constexpr int64_t kSample = int64_t(1) << 16;
  const int64_t N = s.N;
  const bool wide = s.st == SrcType::F32;
  const uint32_t bad = nonFiniteKey(s.st);
  const int64_t stride = std::max<int64_t>(1, N / kSample);
  std::vector<uint32_t> sample;
  for (int64_t i = 0; i < N; i += stride)
    sample.push_back(magnitudeKey(s.src, wide, i));
  const int64_t ns = (int64_t)sample.size();
  // The rank of the cut in the sample, +- 4 standard deviations and more.
  const double p = (double)k / (double)N;
  const double q = p * (double)ns;
  const double margin = 4.0 * std::sqrt((double)ns * p * (1.0 - p)) + 32.0;
  const int64_t loRank = (int64_t)std::floor(q - margin);
  const int64_t hiRank = (int64_t)std::ceil(q + margin);
  uint32_t lo = 0, hi = bad - 1;
  if (loRank > 0) {
    std::nth_element(sample.begin(), sample.begin() + loRank, sample.end());
    lo = sample[loRank];
  }
  if (hiRank < ns - 1) {
    std::nth_element(sample.begin(), sample.begin() + hiRank, sample.end());
    hi = sample[hiRank];
  }
  if (hi < lo)
    return BandOutcome::Missed;
  const double fraction =
      std::min(1.0, (double)(std::min(hiRank, ns) - std::max<int64_t>(loRank, 0) + 1) /
                        (double)ns);

  // Room for each chunk's keys in the band, four times the estimate (and
  // 16 keys past it for the vector stores); only what is written is
  // touched.
  const size_t nc = s.chunks.size();
  std::vector<int64_t> capacity(nc), at(nc + 1, 0);
  for (size_t c = 0; c < nc; ++c) {
    const int64_t len = s.chunks[c].end - s.chunks[c].begin;
    capacity[c] =
        std::min<int64_t>(len, (int64_t)(4.0 * fraction * (double)len) + 1024);
    at[c + 1] = at[c] + capacity[c] + 16;
  }
  OutputBuffer store = OutputBuffer::allocate((size_t)at[nc] * 4);
  if (!store.data()) {
    failure = {Status::OutOfMemory, -1};
    return BandOutcome::Failed;
  }
  uint32_t *keys = (uint32_t *)store.data();
  const SparseScanKernels &kernels = sparseScanKernels();
  std::vector<BandScan> scans(nc);
  runParallel(pf, nc, [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) {
      const SparseChunk &ch = s.chunks[c];
      const char *w = (const char *)s.src + (wide ? 4 : 2) * ch.begin;
      scans[c] = kernels.bandScan(w, wide, ch.end - ch.begin, lo, hi, bad,
                                  keys + at[c], capacity[c]);
    }
  });
  std::vector<KeyRun<uint32_t>> cand(nc);
  for (size_t c = 0; c < nc; ++c)
    cand[c] = {keys + at[c], scans[c].inBand};
  BandScan total;
  std::vector<uint8_t> badChunks(nc, 0);
  for (size_t c = 0; c < nc; ++c) {
    total.add(scans[c]);
    badChunks[c] = scans[c].nonFinite;
  }
  if (total.nonFinite && !total.overflow) {
    failure = nonFiniteResult(s, badChunks);
    return BandOutcome::Failed;
  }
  if (total.overflow || k < total.below || k >= total.below + total.inBand)
    return BandOutcome::Missed;
  std::vector<int64_t> above(nc), gt(nc), eq(nc);
  for (size_t c = 0; c < nc; ++c)
    above[c] = scans[c].above;
  cutInBand(s, k, total.below, cand, above, gt, eq, pf);
  finishUnstructured(s, gt, eq);
  return BandOutcome::Done;
}

template <class U>
QuantResult selectUnstructured(SparsityPlanState &s, const ParallelFor &pf) {
  const uint8_t *src = (const uint8_t *)s.src;
  const int64_t N = s.N;
  const int shift = sizeof(U) == 4 ? 16 : 0;
  makeFlatChunks(s);
  const int64_t nc = (int64_t)s.chunks.size();
  const int64_t k = floorCount(N, s.params.targetSparsity);
  // Big weights: one pass over a band around the cut (a sample of the keys
  // finds it) usually suffices.
  if (N >= kBandMinElements && k < N) {
    QuantResult failure{Status::Ok, -1};
    switch (selectInBand(s, k, pf, failure)) {
    case BandOutcome::Done: return {Status::Ok, -1};
    case BandOutcome::Failed: return failure;
    case BandOutcome::Missed: break;
    }
  }

  // Per chunk: a histogram of the top 15 bits of the key. NaN/Inf land in
  // the buckets from badDigit on.
  const uint32_t badDigit = nonFiniteKey(s.st) >> shift;
  std::vector<uint32_t> hist((size_t)(nc * kBins), 0u);
  std::vector<uint8_t> bad((size_t)nc, 0);
  runParallel(pf, (size_t)nc, [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) {
      uint32_t *h = hist.data() + c * kBins;
      const int64_t x1 = s.chunks[c].end;
      for (int64_t x = s.chunks[c].begin; x < x1; ++x)
        ++h[keyAt<U>(src, x) >> shift];
      for (int64_t d = badDigit; d < kBins; ++d)
        bad[c] |= h[d] != 0;
    }
  });
  if (QuantResult r = nonFiniteResult(s, bad); r.status != Status::Ok)
    return r;

  if (k >= N) {
    s.pruneAll = true;
    finishChunks(s); // every count is 0
    return {Status::Ok, -1};
  }

  // The bucket holding the k-th smallest key (0-based): `below` keys are in
  // lower buckets.
  std::vector<uint64_t> total((size_t)kBins, 0);
  constexpr int64_t kSlices = 64;
  runParallel(pf, kSlices, [&](size_t b, size_t e) {
    const int64_t d0 = b * (kBins / kSlices), d1 = e * (kBins / kSlices);
    for (int64_t c = 0; c < nc; ++c) // row by row: contiguous reads
      for (int64_t d = d0; d < d1; ++d)
        total[d] += hist[c * kBins + d];
  });
  int64_t d = 0, below = 0;
  while (below + (int64_t)total[d] <= k)
    below += (int64_t)total[d++];

  std::vector<int64_t> gt((size_t)nc, 0), eq((size_t)nc, 0);
  auto countAbove = [&](int64_t c) {
    const uint32_t *h = hist.data() + c * kBins;
    int64_t n = 0;
    for (int64_t x = d + 1; x < badDigit; ++x)
      n += h[x];
    return n;
  };
  if (shift == 0) {
    s.T = (uint32_t)d;
    s.r = k - below;
    runParallel(pf, (size_t)nc, [&](size_t b, size_t e) {
      for (size_t c = b; c < e; ++c) {
        gt[c] = countAbove(c);
        eq[c] = hist[c * kBins + d];
      }
    });
  } else {
    // f32: the keys of bucket d (a band that holds the k-th smallest), per
    // chunk in flat order, and the cut among them.
    std::vector<std::vector<uint32_t>> keys((size_t)nc);
    std::vector<int64_t> above((size_t)nc);
    runParallel(pf, (size_t)nc, [&](size_t b, size_t e) {
      for (size_t c = b; c < e; ++c) {
        keys[c].reserve(hist[c * kBins + d]);
        const int64_t x1 = s.chunks[c].end;
        for (int64_t x = s.chunks[c].begin; x < x1; ++x) {
          const uint32_t key = keyAt<U>(src, x);
          if ((int64_t)(key >> 16) == d)
            keys[c].push_back(key);
        }
        above[c] = countAbove(c);
      }
    });
    std::vector<KeyRun<uint32_t>> cand((size_t)nc);
    for (int64_t c = 0; c < nc; ++c)
      cand[c] = {keys[c].data(), (int64_t)keys[c].size()};
    cutInBand(s, k, below, cand, above, gt, eq, pf);
  }

  finishUnstructured(s, gt, eq);
  return {Status::Ok, -1};
}

//===----------------------------------------------------------------------===//
// Block
//===----------------------------------------------------------------------===//

inline uint64_t keyOf(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u; // d >= +0: the bits order as the values
}

/// The scores' first histogram, made while scoring: a score key's bucket is
/// its exponent and top 4 mantissa bits (a NaN's sign bit is dropped).
constexpr int kScoreBucketShift = 48;
constexpr int64_t kScoreBuckets = int64_t(1) << 15;
inline size_t scoreBucket(uint64_t key) {
  return (size_t)((key >> kScoreBucketShift) & (kScoreBuckets - 1));
}
/// With a ParallelFor, the chunks are scored in up to this many slices of
/// consecutive chunks, each with a histogram of its own.
constexpr int64_t kScoreSlices = 8;

constexpr int64_t kScorePiece = 512;

/// SparseScanKernels::addSquares for one element type: score[i] += |w_i|^2
/// over a row of n elements, `worst` raised to its largest key, its zero
/// elements added to `zeros`.
template <SrcType ST>
void addSquaresOf(const void *row, int64_t n, double *__restrict sc,
                  uint32_t &worst, int64_t &zeros) {
  using U = std::conditional_t<ST == SrcType::F32, uint32_t, uint16_t>;
  // Pieces of the row through a buffer of f32 magnitudes (exact), so that
  // each loop is a simple one the compiler vectorizes.
  for (int64_t i0 = 0; i0 < n; i0 += kScorePiece) {
    const int64_t len = std::min(kScorePiece, n - i0);
    float v[kScorePiece];
    uint32_t w = 0;
    for (int64_t i = 0; i < len; ++i) {
      const uint32_t key = keyAt<U>((const uint8_t *)row, i0 + i);
      v[i] = magnitudeOf<ST>(key);
      w = std::max(w, key);
    }
    worst = std::max(worst, w);
    int32_t z = 0;
    for (int64_t i = 0; i < len; ++i) {
      const double d = v[i];
      sc[i0 + i] += d * d;
      z += v[i] == 0.f;
    }
    zeros += z;
  }
}

/// Block rows [u0, u1) of one chunk: the scores of their blocks, counted
/// in `hist` (kScoreBuckets buckets); whether a NaN/Inf was seen, and the
/// number of zero elements.
bool scoreRows(const SparsityPlanState &s, int64_t u0, int64_t u1,
               double *score, int64_t *hist, int64_t &zeros) {
  const SparseScanKernels &kernels = sparseScanKernels();
  const int esz = s.st == SrcType::F32 ? 4 : 2;
  const uint8_t *src = (const uint8_t *)s.src;
  const int64_t In = s.In, C = s.C, bs = s.width, Cb = s.rowsPerFibre;
  uint32_t worst = 0;
  int64_t nzero = 0;
  for (int64_t u = u0; u < u1; ++u) {
    const int64_t o = u / Cb, c0 = (u % Cb) * bs;
    const int64_t c1 = std::min(C, c0 + bs);
    double *__restrict sc = score + u * In;
    for (int64_t i = 0; i < In; ++i)
      sc[i] = 0.0;
    for (int64_t c = c0; c < c1; ++c)
      kernels.addSquares(src + esz * (o * C + c) * In, s.st, In, sc, worst,
                         nzero);
    for (int64_t i = 0; i < In; ++i)
      ++hist[scoreBucket(keyOf(sc[i]))];
  }
  zeros = nzero;
  return worst >= nonFiniteKey(s.st);
}

/// Nonzero elements per block of rows [u0, u1) (indexed from u0 * In).
void countNonZero(const SparsityPlanState &s, int64_t u0, int64_t u1,
                  std::vector<uint32_t> &nz) {
  const int64_t In = s.In, C = s.C, bs = s.width, Cb = s.rowsPerFibre;
  const bool wide = s.st == SrcType::F32;
  nz.assign((size_t)((u1 - u0) * In), 0);
  for (int64_t u = u0; u < u1; ++u) {
    const int64_t o = u / Cb, c0 = (u % Cb) * bs;
    for (int64_t c = c0; c < std::min(C, c0 + bs); ++c)
      for (int64_t i = 0; i < In; ++i)
        nz[(u - u0) * In + i] +=
            magnitudeKey(s.src, wide, (o * C + c) * In + i) != 0;
  }
}

QuantResult selectBlock(SparsityPlanState &s, const ParallelFor &pf) {
  makeRowChunks(s);
  const int64_t nc = (int64_t)s.chunks.size();
  const int64_t In = s.In, Cb = s.rowsPerFibre, bs = s.width;
  const int64_t B = s.O * Cb * In;
  // Reused memory, not zeroed: each chunk's pass writes its part first.
  OutputBuffer scoreBuffer = OutputBuffer::allocate((size_t)B * sizeof(double));
  s.keepBlock = OutputBuffer::allocate((size_t)B);
  if (!scoreBuffer.data() || !s.keepBlock.data())
    return {Status::OutOfMemory, -1};
  double *score = (double *)scoreBuffer.data();
  const int64_t ns = pf ? std::min(nc, kScoreSlices) : 1;
  auto sliceBegin = [&](int64_t j) { return j * nc / ns; };
  // Per chunk holding zeros: its blocks' nonzero counts (else every block
  // counts its rows).
  std::vector<std::vector<uint32_t>> nz((size_t)nc);
  std::vector<uint8_t> bad((size_t)nc, 0);
  std::vector<int64_t> hist((size_t)(ns * kScoreBuckets), 0);
  runParallel(pf, (size_t)ns, [&](size_t b, size_t e) {
    for (size_t j = b; j < e; ++j)
      for (int64_t c = sliceBegin(j); c < sliceBegin(j + 1); ++c) {
        const SparseChunk &ch = s.chunks[c];
        int64_t zeros = 0;
        const bool isBad =
            scoreRows(s, ch.rowBegin, ch.rowEnd, score,
                      hist.data() + j * kScoreBuckets, zeros);
        bad[c] = isBad;
        if (zeros && !isBad)
          countNonZero(s, ch.rowBegin, ch.rowEnd, nz[c]);
      }
  });
  if (QuantResult r = nonFiniteResult(s, bad); r.status != Status::Ok)
    return r;

  const int64_t kB = floorCount(B, s.params.targetSparsity);
  Cut cut{0, 0}; // kB == 0: keep every block
  std::vector<int64_t> eqCount((size_t)nc, 0), eqBefore((size_t)nc, 0);
  if (kB >= B) {
    cut = {~uint64_t(0), 0}; // prune every block (keys are below ~0)
  } else if (kB > 0) {
    // The bucket of the kB-th smallest score, then its keys (per slice in
    // block order, chunk by chunk) and the cut among them.
    size_t d = 0;
    int64_t below = 0;
    for (;; ++d) {
      int64_t t = 0;
      for (int64_t j = 0; j < ns; ++j)
        t += hist[j * kScoreBuckets + d];
      if (below + t > kB)
        break;
      below += t;
    }
    std::vector<int64_t> sliceAt((size_t)ns + 1, 0);
    for (int64_t j = 0; j < ns; ++j)
      sliceAt[j + 1] = sliceAt[j] + hist[j * kScoreBuckets + d];
    std::vector<uint64_t> cand((size_t)sliceAt[ns]);
    std::vector<int64_t> candEnd((size_t)nc, 0);
    runParallel(pf, (size_t)ns, [&](size_t b, size_t e) {
      for (size_t j = b; j < e; ++j) {
        int64_t pos = sliceAt[j];
        for (int64_t c = sliceBegin(j); c < sliceBegin(j + 1); ++c) {
          const double *sc = score + s.chunks[c].rowBegin * In;
          const int64_t n = (s.chunks[c].rowEnd - s.chunks[c].rowBegin) * In;
          for (int64_t i = 0; i < n; ++i) {
            const uint64_t key = keyOf(sc[i]);
            if (scoreBucket(key) == d)
              cand[pos++] = key;
          }
          candEnd[c] = pos;
        }
      }
    });
    const std::vector<KeyRun<uint64_t>> all = {
        {cand.data(), (int64_t)cand.size()}};
    cut = kthSmallest(all, kB - below);
    int64_t from = 0;
    for (int64_t c = 0; c < nc; ++c) {
      for (int64_t i = from; i < candEnd[c]; ++i)
        eqCount[c] += cand[i] == cut.T;
      from = candEnd[c];
    }
  }
  for (int64_t c = 1; c < nc; ++c)
    eqBefore[c] = eqBefore[c - 1] + eqCount[c - 1];

  // Blocks at the threshold in block order: the first r are pruned.
  const int64_t tail = s.C % bs;
  runParallel(pf, (size_t)nc, [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) {
      const SparseChunk &ch = s.chunks[c];
      uint8_t *__restrict keep = (uint8_t *)s.keepBlock.data();
      const double *__restrict sc = score;
      // Every block at T of this chunk is kept, or every one pruned, or
      // (one chunk) they are decided in order.
      const bool uniform =
          eqBefore[c] >= cut.r || eqBefore[c] + eqCount[c] <= cut.r;
      const uint64_t T = cut.T + (eqBefore[c] >= cut.r ? 0 : 1);
      int64_t seen = eqBefore[c], count = 0;
      for (int64_t u = ch.rowBegin; u < ch.rowEnd; ++u) {
        const int64_t i0 = u * In;
        int64_t kept = 0;
        if (uniform) {
          for (int64_t i = i0; i < i0 + In; ++i) {
            const uint8_t k = keyOf(sc[i]) >= T;
            keep[i] = k;
            kept += k;
          }
        } else {
          for (int64_t i = i0; i < i0 + In; ++i) {
            const uint64_t key = keyOf(sc[i]);
            keep[i] = key > cut.T || (key == cut.T && seen++ >= cut.r);
            kept += keep[i];
          }
        }
        if (nz[c].empty()) {
          const bool isTail = tail && u % Cb == Cb - 1;
          count += kept * (isTail ? tail : bs);
        } else {
          const uint32_t *z = nz[c].data() + (u - ch.rowBegin) * In;
          for (int64_t i = 0; i < In; ++i)
            count += keep[i0 + i] ? z[i] : 0;
        }
      }
      s.chunks[c].numNonZero = count;
    }
  });
  finishChunks(s);
  return {Status::Ok, -1};
}

} // namespace

void makeRowChunks(SparsityPlanState &s) {
  const int64_t rows = s.O * s.rowsPerFibre;
  const int64_t C = s.C, In = s.In, w = s.width, Cr = s.rowsPerFibre;
  auto rowStart = [&](int64_t u) {
    return u == rows ? s.N : ((u / Cr) * C + (u % Cr) * w) * In;
  };
  s.chunks.clear();
  int64_t u = 0;
  while (u < rows) {
    SparseChunk ch;
    ch.rowBegin = u;
    ch.begin = rowStart(u);
    // Whole rows up to about kRowChunk elements (at least one).
    const int64_t perRow = w * In;
    int64_t v = u + std::max<int64_t>(1, kRowChunk / perRow);
    v = std::min(v, rows);
    ch.rowEnd = v;
    ch.end = rowStart(v);
    s.chunks.push_back(ch);
    u = v;
  }
}

void addSquaresScalar(const void *row, SrcType st, int64_t n, double *score,
                      uint32_t &worst, int64_t &zeros) {
  switch (st) {
  case SrcType::F32:
    return addSquaresOf<SrcType::F32>(row, n, score, worst, zeros);
  case SrcType::F16:
    return addSquaresOf<SrcType::F16>(row, n, score, worst, zeros);
  case SrcType::BF16:
    return addSquaresOf<SrcType::BF16>(row, n, score, worst, zeros);
  }
}

QuantResult selectSparsity(SparsityPlanState &s, const ParallelFor &pf) {
  const bool wide = s.st == SrcType::F32;
  switch (s.params.mode) {
  case SparsityMode::Unstructured:
    return wide ? selectUnstructured<uint32_t>(s, pf)
                : selectUnstructured<uint16_t>(s, pf);
  case SparsityMode::Block:
    return selectBlock(s, pf);
  case SparsityMode::NM:
    return selectNM(s, pf);
  }
  return {Status::InvalidArgument, -1};
}

} // namespace kernels
} // namespace coreai

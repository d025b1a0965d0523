//===- SparsifyAVX512.cpp - AVX-512 loops of the unstructured mode --------===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vl (see CMakeLists.txt); only
// called after a run-time CPU check. Sixteen keys per step, in 32-bit lanes
// for every weight type (f16/bf16 are widened), so that AVX-512F's 32-bit
// compress serves all of them. The results equal the generic loops'.
//
//===----------------------------------------------------------------------===//
#include "SparsifyInternal.h"

#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace coreai {
namespace kernels {
namespace {

/// Sixteen keys (|w| bits) from element i and, in *raw, the elements' bits.
template <bool Wide>
inline __m512i keys16(const void *w, int64_t i, __m512i *raw) {
  if (Wide) {
    *raw = _mm512_loadu_si512((const uint32_t *)w + i);
    return _mm512_and_si512(*raw, _mm512_set1_epi32(0x7fffffff));
  }
  *raw = _mm512_cvtepu16_epi32(
      _mm256_loadu_si256((const __m256i *)((const uint16_t *)w + i)));
  return _mm512_and_si512(*raw, _mm512_set1_epi32(0x7fff));
}

template <bool Wide>
BandScan bandScanT(const void *w, int64_t n, uint32_t lo, uint32_t hi,
                   uint32_t bad, uint32_t *out, int64_t capacity) {
  BandScan r;
  const __m512i vlo = _mm512_set1_epi32((int)lo);
  const __m512i vhi = _mm512_set1_epi32((int)hi);
  const __m512i vbad = _mm512_set1_epi32((int)bad);
  const __m512i one = _mm512_set1_epi32(1);
  __mmask16 anyBad = 0;
  int64_t i = 0;
  // Runs of up to kRun keys while `out` has room for all of them: every
  // step stores its (possibly empty) compressed keys, without a branch;
  // the keys under the band are counted in the lanes of `below`.
  constexpr int64_t kRun = 1024;
  while (n - i >= 16) {
    const int64_t len = std::min<int64_t>(kRun, (n - i) / 16 * 16);
    if (r.inBand + len > capacity)
      break;
    __m512i below = _mm512_setzero_si512();
    int64_t in = r.inBand;
    for (int64_t j = i; j < i + len; j += 16) {
      __m512i raw;
      const __m512i key = keys16<Wide>(w, j, &raw);
      const __mmask16 lt = _mm512_cmplt_epu32_mask(key, vlo);
      const __mmask16 gt = _mm512_cmpgt_epu32_mask(key, vhi);
      anyBad |= _mm512_cmpge_epu32_mask(key, vbad);
      below = _mm512_mask_add_epi32(below, lt, below, one);
      const __mmask16 inside = (__mmask16)~(lt | gt);
      _mm512_storeu_si512(out + in, _mm512_maskz_compress_epi32(inside, key));
      in += __builtin_popcount(inside);
    }
    const int64_t nBelow = _mm512_reduce_add_epi32(below);
    r.below += nBelow;
    r.above += len - nBelow - (in - r.inBand);
    r.inBand = in;
    i += len;
  }
  // The rest, checking the room before each store.
  for (; i + 16 <= n; i += 16) {
    __m512i raw;
    const __m512i key = keys16<Wide>(w, i, &raw);
    const __mmask16 below = _mm512_cmplt_epu32_mask(key, vlo);
    const __mmask16 above = _mm512_cmpgt_epu32_mask(key, vhi);
    anyBad |= _mm512_cmpge_epu32_mask(key, vbad);
    r.below += __builtin_popcount(below);
    r.above += __builtin_popcount(above);
    const __mmask16 in = (__mmask16)~(below | above);
    if (in) {
      if (r.inBand + 16 > capacity) {
        r.overflow = true;
        return r;
      }
      _mm512_storeu_si512(out + r.inBand, _mm512_maskz_compress_epi32(in, key));
      r.inBand += __builtin_popcount(in);
    }
  }
  r.nonFinite = anyBad != 0;
  BandScan tail = bandScanScalar(w, Wide, i, n, lo, hi, bad, out + r.inBand,
                                 capacity - r.inBand);
  r.add(tail);
  return r;
}

/// Writes the `kept` staged elements (32-bit lanes) as values [at, at +
/// kept) of the weight's type.
template <bool Wide>
inline void storeValues(const uint32_t *stage, int64_t kept, uint8_t *values,
                        int64_t at) {
  if (kept == 0) // `values` may be null when nothing is kept at all
    return;
  if (Wide) {
    std::memcpy(values + 4 * at, stage, (size_t)(4 * kept));
    return;
  }
  uint16_t *v = (uint16_t *)values + at;
  int64_t j = 0;
  for (; j + 16 <= kept; j += 16)
    _mm256_storeu_si256((__m256i *)(v + j),
                        _mm512_cvtepi32_epi16(_mm512_load_si512(stage + j)));
  for (; j < kept; ++j)
    v[j] = (uint16_t)stage[j];
}

/// Elements [0, n) (n a multiple of 16, the first at a mask byte boundary):
/// the bits of elements j .. j+15 are keepOf(key, j) (their keys), the kept
/// elements' bits are the values. Values go through a staging tile in
/// cache, written out whole. Returns how many were kept.
template <bool Wide, class KeepOf>
int64_t writeKept(const void *w, int64_t n, uint8_t *mask, uint8_t *values,
                  const KeepOf &keepOf) {
  constexpr int64_t kStage = 4096;
  alignas(64) uint32_t stage[kStage + 16];
  int64_t written = 0;
  for (int64_t t = 0; t < n; t += kStage) {
    const int64_t len = n - t < kStage ? n - t : kStage;
    int64_t kept = 0;
    for (int64_t j = 0; j < len; j += 16) {
      __m512i raw;
      const __m512i key = keys16<Wide>(w, t + j, &raw);
      const __mmask16 m = keepOf(key, t + j);
      std::memcpy(mask + (t + j) / 8, &m, 2);
      _mm512_storeu_si512(stage + kept, _mm512_maskz_compress_epi32(m, raw));
      kept += __builtin_popcount(m);
    }
    storeValues<Wide>(stage, kept, values, written);
    written += kept;
  }
  return written;
}

/// Kept: key >= thr.
template <bool Wide>
int64_t writeAtLeastT(const void *w, int64_t n, uint32_t thr, uint8_t *mask,
                      uint8_t *values) {
  const __m512i vthr = _mm512_set1_epi32((int)thr);
  return writeKept<Wide>(w, n, mask, values, [&](__m512i key, int64_t) {
    return _mm512_cmpge_epu32_mask(key, vthr);
  });
}

/// n:m groups of M contiguous elements (M divides 16): elements [0, n), n a
/// multiple of 16, the first at a mask byte boundary and a group start. An
/// element is kept when at least nP elements of its group come before it in
/// (key, index) order and its key is not 0.
template <bool Wide, int M>
int64_t writeGroupsT(const void *w, int64_t n, int nP, uint8_t *mask,
                     uint8_t *values) {
  // For each shift r: lane j's group-mate (j + r) mod M, and the lanes whose
  // mate has the lower index (compared with <=: ties go to the lower index).
  __m512i mate[M];
  __mmask16 wraps[M];
  for (int r = 1; r < M; ++r) {
    alignas(64) int32_t idx[16];
    unsigned wrap = 0;
    for (int j = 0; j < 16; ++j) {
      const int base = j / M * M, q = j % M;
      idx[j] = base + (q + r) % M;
      wrap |= (q + r >= M ? 1u : 0u) << j;
    }
    mate[r] = _mm512_load_si512(idx);
    wraps[r] = (__mmask16)wrap;
  }
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i need = _mm512_set1_epi32(nP);
  return writeKept<Wide>(w, n, mask, values, [&](__m512i key, int64_t) {
    __m512i rank = _mm512_setzero_si512();
    for (int r = 1; r < M; ++r) {
      const __m512i other = _mm512_permutexvar_epi32(mate[r], key);
      const __mmask16 before =
          (_mm512_cmple_epu32_mask(other, key) & wraps[r]) |
          (_mm512_cmplt_epu32_mask(other, key) & (__mmask16)~wraps[r]);
      rank = _mm512_mask_add_epi32(rank, before, rank, one);
    }
    return (__mmask16)(_mm512_cmpge_epi32_mask(rank, need) &
                       _mm512_test_epi32_mask(key, key));
  });
}

int64_t writeGroupsAVX512(const void *w, bool wide, int64_t n, int m, int nP,
                          uint8_t *mask, uint8_t *values) {
  switch (m) {
  case 2:
    return wide ? writeGroupsT<true, 2>(w, n, nP, mask, values)
                : writeGroupsT<false, 2>(w, n, nP, mask, values);
  case 4:
    return wide ? writeGroupsT<true, 4>(w, n, nP, mask, values)
                : writeGroupsT<false, 4>(w, n, nP, mask, values);
  case 8:
    return wide ? writeGroupsT<true, 8>(w, n, nP, mask, values)
                : writeGroupsT<false, 8>(w, n, nP, mask, values);
  default:
    return wide ? writeGroupsT<true, 16>(w, n, nP, mask, values)
                : writeGroupsT<false, 16>(w, n, nP, mask, values);
  }
}

/// Kept: keep[j] != 0 and key != 0.
template <bool Wide>
int64_t writeFlagsT(const void *w, int64_t n, const uint8_t *keep,
                    uint8_t *mask, uint8_t *values) {
  return writeKept<Wide>(w, n, mask, values, [&](__m512i key, int64_t j) {
    const __mmask16 flags =
        _mm_test_epi8_mask(_mm_loadu_si128((const __m128i *)(keep + j)),
                           _mm_set1_epi8((char)0xff));
    return (__mmask16)(flags & _mm512_test_epi32_mask(key, key));
  });
}

int64_t writeFlagsAVX512(const void *w, bool wide, int64_t n,
                         const uint8_t *keep, uint8_t *mask, uint8_t *values) {
  return wide ? writeFlagsT<true>(w, n, keep, mask, values)
              : writeFlagsT<false>(w, n, keep, mask, values);
}

/// Sixteen |w| as f32 (exact) from element i of a row of type ST, and
/// their keys.
template <SrcType ST>
inline __m512 magnitudes16(const void *row, int64_t i, __m512i *key) {
  if (ST == SrcType::F32) {
    *key = _mm512_and_si512(_mm512_loadu_si512((const uint32_t *)row + i),
                            _mm512_set1_epi32(0x7fffffff));
    return _mm512_castsi512_ps(*key);
  }
  const __m256i h = _mm256_and_si256(
      _mm256_loadu_si256((const __m256i *)((const uint16_t *)row + i)),
      _mm256_set1_epi16(0x7fff));
  *key = _mm512_cvtepu16_epi32(h);
  if (ST == SrcType::F16)
    return _mm512_cvtph_ps(h);
  return _mm512_castsi512_ps(_mm512_slli_epi32(*key, 16));
}

template <SrcType ST>
void addSquaresT(const void *row, int64_t n, double *score, uint32_t &worst,
                 int64_t &zeros) {
  __m512i top = _mm512_setzero_si512();
  int64_t z = 0, i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512i key;
    const __m512 v = magnitudes16<ST>(row, i, &key);
    top = _mm512_max_epu32(top, key);
    z += __builtin_popcount(_mm512_testn_epi32_mask(key, key));
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(
        _mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    _mm512_storeu_pd(score + i, _mm512_add_pd(_mm512_loadu_pd(score + i),
                                              _mm512_mul_pd(lo, lo)));
    _mm512_storeu_pd(score + i + 8,
                     _mm512_add_pd(_mm512_loadu_pd(score + i + 8),
                                   _mm512_mul_pd(hi, hi)));
  }
  const uint32_t w = (uint32_t)_mm512_reduce_max_epu32(top);
  worst = w > worst ? w : worst;
  zeros += z;
  const int esz = ST == SrcType::F32 ? 4 : 2;
  addSquaresScalar((const char *)row + esz * i, ST, n - i, score + i, worst,
                   zeros);
}

void addSquaresAVX512(const void *row, SrcType st, int64_t n, double *score,
                      uint32_t &worst, int64_t &zeros) {
  switch (st) {
  case SrcType::F32: return addSquaresT<SrcType::F32>(row, n, score, worst, zeros);
  case SrcType::F16: return addSquaresT<SrcType::F16>(row, n, score, worst, zeros);
  case SrcType::BF16:
    return addSquaresT<SrcType::BF16>(row, n, score, worst, zeros);
  }
}

BandScan bandScanAVX512(const void *w, bool wide, int64_t n, uint32_t lo,
                        uint32_t hi, uint32_t bad, uint32_t *out,
                        int64_t capacity) {
  return wide ? bandScanT<true>(w, n, lo, hi, bad, out, capacity)
              : bandScanT<false>(w, n, lo, hi, bad, out, capacity);
}

int64_t writeAtLeastAVX512(const void *w, bool wide, int64_t n, uint32_t thr,
                           uint8_t *mask, uint8_t *values) {
  return wide ? writeAtLeastT<true>(w, n, thr, mask, values)
              : writeAtLeastT<false>(w, n, thr, mask, values);
}

const SparseScanKernels kAVX512Scan = {bandScanAVX512, writeAtLeastAVX512,
                                       writeGroupsAVX512, writeFlagsAVX512,
                                       addSquaresAVX512};

} // namespace

const SparseScanKernels *sparseScanAVX512Kernels() { return &kAVX512Scan; }

} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
const SparseScanKernels *sparseScanAVX512Kernels() { return nullptr; }
} // namespace kernels
} // namespace coreai
#endif

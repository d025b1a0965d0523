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
  __mmask16 anyBad = 0;
  int64_t i = 0;
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

/// Elements [0, n) (n a multiple of 16, the first at a mask byte boundary):
/// the bit of element j is key >= thr, the kept elements' bits are the
/// values. Values go through a staging tile in cache, written out whole.
template <bool Wide>
int64_t writeAtLeastT(const void *w, int64_t n, uint32_t thr, uint8_t *mask,
                      uint8_t *values) {
  constexpr int64_t kStage = 4096;
  alignas(64) uint32_t stage[kStage + 16];
  const __m512i vthr = _mm512_set1_epi32((int)thr);
  int64_t written = 0;
  for (int64_t t = 0; t < n; t += kStage) {
    const int64_t len = n - t < kStage ? n - t : kStage;
    int64_t kept = 0;
    for (int64_t j = 0; j < len; j += 16) {
      __m512i raw;
      const __m512i key = keys16<Wide>(w, t + j, &raw);
      const __mmask16 m = _mm512_cmpge_epu32_mask(key, vthr);
      std::memcpy(mask + (t + j) / 8, &m, 2);
      _mm512_storeu_si512(stage + kept, _mm512_maskz_compress_epi32(m, raw));
      kept += __builtin_popcount(m);
    }
    if (Wide) {
      std::memcpy(values + 4 * written, stage, (size_t)(4 * kept));
    } else {
      uint16_t *v = (uint16_t *)values + written;
      int64_t j = 0;
      for (; j + 16 <= kept; j += 16)
        _mm256_storeu_si256(
            (__m256i *)(v + j),
            _mm512_cvtepi32_epi16(_mm512_load_si512(stage + j)));
      for (; j < kept; ++j)
        v[j] = (uint16_t)stage[j];
    }
    written += kept;
  }
  return written;
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

const SparseScanKernels kAVX512Scan = {bandScanAVX512, writeAtLeastAVX512};

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

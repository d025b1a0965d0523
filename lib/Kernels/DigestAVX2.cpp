//===- DigestAVX2.cpp - The chunk hash on 256-bit lanes -------------------===//
// Compiled with -mavx2 (see CMakeLists.txt); only called after a run-time
// CPU check. Computes exactly DigestInternal.h's scalar definition: one
// 64-bit lane per accumulator.
//===----------------------------------------------------------------------===//
#include "DigestInternal.h"

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

inline __m256i hashBlock(__m256i acc, const uint8_t *p) {
  for (int s = 0; s < kHashStripes; ++s) {
    const __m256i w = _mm256_loadu_si256((const __m256i *)(p + 32 * s));
    const __m256i x = _mm256_xor_si256(
        w, _mm256_loadu_si256((const __m256i *)kHashKeys.stripe[s]));
    // lo32(x) * hi32(x) per lane; w's neighbouring lane (j ^ 1).
    const __m256i product = _mm256_mul_epu32(x, _mm256_srli_epi64(x, 32));
    const __m256i swapped = _mm256_shuffle_epi32(w, _MM_SHUFFLE(1, 0, 3, 2));
    acc = _mm256_add_epi64(acc, _mm256_add_epi64(product, swapped));
  }
  const __m256i x = _mm256_xor_si256(
      _mm256_xor_si256(acc, _mm256_srli_epi64(acc, 47)),
      _mm256_loadu_si256((const __m256i *)kHashKeys.scramble));
  const __m256i prime = _mm256_set1_epi64x((long long)kPrime32);
  const __m256i lo = _mm256_mul_epu32(x, prime);
  const __m256i hi = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), prime);
  return _mm256_add_epi64(lo, _mm256_slli_epi64(hi, 32));
}

uint64_t chunkHashAVX2(const void *bytes, size_t n, uint64_t index) {
  const uint8_t *p = (const uint8_t *)bytes;
  __m256i acc = _mm256_loadu_si256((const __m256i *)kHashKeys.init);
  for (size_t b = 0; b + kHashBlock <= n; b += kHashBlock)
    acc = hashBlock(acc, p + b);
  alignas(32) uint64_t a[4];
  _mm256_store_si256((__m256i *)a, acc);
  hashTailScalar(a, p, n);
  return finishChunkHash(a, n, index);
}

} // namespace

ChunkHashFn avx2ChunkHash() {
  return __builtin_cpu_supports("avx2") ? chunkHashAVX2 : nullptr;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
namespace detail {
ChunkHashFn avx2ChunkHash() { return nullptr; }
} // namespace detail
} // namespace kernels
} // namespace coreai
#endif

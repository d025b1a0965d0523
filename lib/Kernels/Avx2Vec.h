//===- Avx2Vec.h - 256-bit vector traits for the SIMD kernels ---*- C++ -*-===//
//
// The traits class of SimdKernels.h for AVX2 + FMA + F16C: eight f32 / int32
// lanes. Included only by translation units compiled with those flags (the
// AVX2 path, and the AVX-512 path, whose fused kernels are 256-bit).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_AVX2VEC_H
#define COREAI_KERNELS_AVX2VEC_H

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "Avx2Vec.h needs -mavx2 -mfma -mf16c"
#endif

#include <cstdint>
#include <immintrin.h>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

struct Avx2Vec {
  typedef __m256 VF;
  typedef __m256i VI;
  static constexpr int W = 8;
  static VF loadF32(const float *p) { return _mm256_loadu_ps(p); }
  static VF loadF16(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
  }
  static VF loadBF16(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(
        _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
  }
  static VI loadI(const int32_t *p) {
    return _mm256_loadu_si256((const __m256i *)p);
  }
  static void storeI(int32_t *p, VI v) { _mm256_storeu_si256((__m256i *)p, v); }
  static void storeF(float *p, VF v) { _mm256_storeu_ps(p, v); }
  static VF setf(float f) { return _mm256_set1_ps(f); }
  static VI seti(int i) { return _mm256_set1_epi32(i); }
  static VF div(VF a, VF b) { return _mm256_div_ps(a, b); }
  static VF mul(VF a, VF b) { return _mm256_mul_ps(a, b); }
  static VF add(VF a, VF b) { return _mm256_add_ps(a, b); }
  static VF minf(VF a, VF b) { return _mm256_min_ps(a, b); }
  static VF maxf(VF a, VF b) { return _mm256_max_ps(a, b); }
  static VF roundEven(VF a) {
    return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static VI cvt(VF a) { return _mm256_cvtps_epi32(a); }
  static VI asInt(VF a) { return _mm256_castps_si256(a); }
  static VF asFloat(VI a) { return _mm256_castsi256_ps(a); }
  static VI andi(VI a, VI b) { return _mm256_and_si256(a, b); }
  static VI ori(VI a, VI b) { return _mm256_or_si256(a, b); }
  static VI addi(VI a, VI b) { return _mm256_add_epi32(a, b); }
  static VI subi(VI a, VI b) { return _mm256_sub_epi32(a, b); }
  static VI maxi(VI a, VI b) { return _mm256_max_epi32(a, b); }
  template <int N> static VI srli(VI a) { return _mm256_srli_epi32(a, N); }
  template <int N> static VI slli(VI a) { return _mm256_slli_epi32(a, N); }
  // (a < b) ? x : y, signed lanes.
  static VI selectLt(VI a, VI b, VI x, VI y) {
    return _mm256_blendv_epi8(y, x, _mm256_cmpgt_epi32(b, a));
  }
  static uint32_t hmaxi(VI v) {
    __m128i m = _mm_max_epi32(_mm256_castsi256_si128(v),
                              _mm256_extracti128_si256(v, 1));
    m = _mm_max_epi32(m, _mm_shuffle_epi32(m, 0x4e));
    m = _mm_max_epi32(m, _mm_shuffle_epi32(m, 0xb1));
    return (uint32_t)_mm_cvtsi128_si32(m);
  }
  static float hminf(VF v) {
    __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_min_ps(m, _mm_shuffle_ps(m, m, 0x4e));
    m = _mm_min_ps(m, _mm_shuffle_ps(m, m, 0xb1));
    return _mm_cvtss_f32(m);
  }
  static float hmaxf(VF v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_shuffle_ps(m, m, 0x4e));
    m = _mm_max_ps(m, _mm_shuffle_ps(m, m, 0xb1));
    return _mm_cvtss_f32(m);
  }
  // 8 codes (0..255 in int32 lanes) -> 8 bytes.
  static void storeCodes(uint8_t *p, VI v) {
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v),
                                 _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)p, _mm_packus_epi16(w, w));
  }
};

} // namespace
} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_AVX2VEC_H

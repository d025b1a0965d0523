//===- KernelsAVX512.cpp - AVX-512 (F/BW/VL) kernels ----------------------===//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx2 -mfma -mf16c (see
// CMakeLists.txt); only called after a run-time CPU check.
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"

#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512BW__)
#include "Avx2Vec.h"
#include "FusedKernels.h"
#include "SimdKernels.h"

namespace coreai {
namespace kernels {
namespace detail {
namespace {

/// The traits class of SimdKernels.h for AVX-512: sixteen lanes.
struct Avx512Vec {
  typedef __m512 VF;
  typedef __m512i VI;
  static constexpr int W = 16;
  static VF loadF32(const float *p) { return _mm512_loadu_ps(p); }
  static VF loadF16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
  }
  static VF loadBF16(const uint16_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(
        _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p)), 16));
  }
  static VI loadI(const int32_t *p) { return _mm512_loadu_si512(p); }
  static void storeI(int32_t *p, VI v) { _mm512_storeu_si512(p, v); }
  static void storeF(float *p, VF v) { _mm512_storeu_ps(p, v); }
  static VF setf(float f) { return _mm512_set1_ps(f); }
  static VI seti(int i) { return _mm512_set1_epi32(i); }
  static VF div(VF a, VF b) { return _mm512_div_ps(a, b); }
  static VF mul(VF a, VF b) { return _mm512_mul_ps(a, b); }
  static VF add(VF a, VF b) { return _mm512_add_ps(a, b); }
  static VF minf(VF a, VF b) { return _mm512_min_ps(a, b); }
  static VF maxf(VF a, VF b) { return _mm512_max_ps(a, b); }
  static VF roundEven(VF a) {
    return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static VI cvt(VF a) { return _mm512_cvtps_epi32(a); }
  static VI asInt(VF a) { return _mm512_castps_si512(a); }
  static VF asFloat(VI a) { return _mm512_castsi512_ps(a); }
  static VI andi(VI a, VI b) { return _mm512_and_si512(a, b); }
  static VI ori(VI a, VI b) { return _mm512_or_si512(a, b); }
  static VI addi(VI a, VI b) { return _mm512_add_epi32(a, b); }
  static VI subi(VI a, VI b) { return _mm512_sub_epi32(a, b); }
  static VI maxi(VI a, VI b) { return _mm512_max_epi32(a, b); }
  template <int N> static VI srli(VI a) { return _mm512_srli_epi32(a, N); }
  template <int N> static VI slli(VI a) { return _mm512_slli_epi32(a, N); }
  // (a < b) ? x : y, signed lanes.
  static VI selectLt(VI a, VI b, VI x, VI y) {
    return _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(a, b), y, x);
  }
  static uint32_t hmaxi(VI v) { return (uint32_t)_mm512_reduce_max_epi32(v); }
  static float hminf(VF v) { return _mm512_reduce_min_ps(v); }
  static float hmaxf(VF v) { return _mm512_reduce_max_ps(v); }
  // 16 codes (0..255 in int32 lanes) -> 16 bytes.
  static void storeCodes(uint8_t *p, VI v) {
    _mm_storeu_si128((__m128i *)p, _mm512_cvtepi32_epi8(v));
  }
};

} // namespace

const KernelTable *avx512Kernels() {
  static const KernelTable table = simdKernelTable<Avx512Vec>();
  return &table;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
namespace detail {
const KernelTable *avx512Kernels() { return nullptr; }
} // namespace detail
} // namespace kernels
} // namespace coreai
#endif

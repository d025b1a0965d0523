//===- HexAVX2.cpp - Hex conversion on 256-bit lanes ----------------------===//
// Compiled with -mavx2 (see CMakeLists.txt); only called after a run-time
// CPU check. 32 bytes <-> 64 digits per step; the tails go through the
// portable path of HexInternal.h.
//===----------------------------------------------------------------------===//
#include "HexInternal.h"

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

void encodeHexAVX2(const uint8_t *in, size_t n, char *out) {
  const __m256i digits = _mm256_setr_epi8(
      '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D',
      'E', 'F', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B',
      'C', 'D', 'E', 'F');
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)(in + i));
    const __m256i hi = _mm256_shuffle_epi8(
        digits, _mm256_and_si256(_mm256_srli_epi16(v, 4), low4));
    const __m256i lo = _mm256_shuffle_epi8(digits, _mm256_and_si256(v, low4));
    // Per 128-bit lane: bytes 0-7 (16-23) and 8-15 (24-31) as digit pairs.
    const __m256i first = _mm256_unpacklo_epi8(hi, lo);
    const __m256i second = _mm256_unpackhi_epi8(hi, lo);
    _mm256_storeu_si256((__m256i *)(out + 2 * i),
                        _mm256_permute2x128_si256(first, second, 0x20));
    _mm256_storeu_si256((__m256i *)(out + 2 * i + 32),
                        _mm256_permute2x128_si256(first, second, 0x31));
  }
  encodeHexPortable(in + i, n - i, out + 2 * i);
}

/// The values of 32 hex digits; lanes that are not a digit set `bad`.
inline __m256i digitValues(__m256i c, __m256i &bad) {
  const __m256i digit = _mm256_sub_epi8(c, _mm256_set1_epi8('0'));
  const __m256i isDigit = _mm256_cmpeq_epi8(
      _mm256_min_epu8(digit, _mm256_set1_epi8(9)), digit);
  // 'A'-'F' and 'a'-'f' both map to 0-5.
  const __m256i letter = _mm256_sub_epi8(
      _mm256_or_si256(c, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a'));
  const __m256i isLetter = _mm256_cmpeq_epi8(
      _mm256_min_epu8(letter, _mm256_set1_epi8(5)), letter);
  bad = _mm256_or_si256(
      bad, _mm256_andnot_si256(_mm256_or_si256(isDigit, isLetter),
                               _mm256_set1_epi8(-1)));
  return _mm256_blendv_epi8(
      _mm256_add_epi8(letter, _mm256_set1_epi8(10)), digit, isDigit);
}

bool decodeHexAVX2(const char *in, size_t n, uint8_t *out) {
  // Each 16-bit lane: first digit * 16 + second digit.
  const __m256i weights = _mm256_set1_epi16(0x0110);
  __m256i bad = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = digitValues(
        _mm256_loadu_si256((const __m256i *)(in + 2 * i)), bad);
    const __m256i b = digitValues(
        _mm256_loadu_si256((const __m256i *)(in + 2 * i + 32)), bad);
    const __m256i packed =
        _mm256_packus_epi16(_mm256_maddubs_epi16(a, weights),
                            _mm256_maddubs_epi16(b, weights));
    _mm256_storeu_si256((__m256i *)(out + i),
                        _mm256_permute4x64_epi64(packed, 0xD8));
  }
  const bool tailOk = decodeHexPortable(in + 2 * i, n - i, out + i);
  return tailOk && _mm256_testz_si256(bad, bad);
}

} // namespace

EncodeHexFn avx2EncodeHex() {
  return __builtin_cpu_supports("avx2") ? encodeHexAVX2 : nullptr;
}

DecodeHexFn avx2DecodeHex() {
  return __builtin_cpu_supports("avx2") ? decodeHexAVX2 : nullptr;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
namespace detail {
EncodeHexFn avx2EncodeHex() { return nullptr; }
DecodeHexFn avx2DecodeHex() { return nullptr; }
} // namespace detail
} // namespace kernels
} // namespace coreai
#endif

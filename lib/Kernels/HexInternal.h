//===- HexInternal.h - Portable hex conversion and path lookup ------------===//
//
// The portable path of Hex.h, shared by the generic path and, for their
// tails, the SIMD paths (HexAVX2.cpp). Everything has internal linkage (see
// KernelsInternal.h for why).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_HEX_INTERNAL_H
#define COREAI_KERNELS_HEX_INTERNAL_H

#include "coreai/Kernels/Hex.h"

#include <cstdint>
#include <cstring>

namespace coreai {
namespace kernels {
namespace detail {

/// The upper-case digit of a nibble, without a branch.
static inline char hexDigitOf(uint8_t nibble) {
  return (char)(nibble + '0' + (nibble > 9) * ('A' - '0' - 10));
}

/// 1 if `c` is not a hex digit (either case), else 0; without a branch.
static inline uint8_t notHexDigit(uint8_t c) {
  const uint8_t digit = (uint8_t)(c - '0') < 10;
  const uint8_t letter = (uint8_t)((c | 0x20) - 'a') < 6;
  return (uint8_t)(1 - (digit | letter));
}

/// The value of hex digit `c` (anything for other characters): the low
/// four bits, plus 9 for the letters (0x41-0x46, 0x61-0x66).
static inline uint8_t hexValueOf(uint8_t c) {
  return (uint8_t)((c & 15) + 9 * (c >> 6));
}

/// Branch-free loops the compiler vectorizes for the target at hand.
static inline void encodeHexPortable(const uint8_t *in, size_t n, char *out) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = hexDigitOf(in[i] >> 4);
    out[2 * i + 1] = hexDigitOf(in[i] & 15);
  }
}

static inline bool decodeHexPortable(const char *in, size_t n, uint8_t *out) {
  uint8_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t hi = (uint8_t)in[2 * i], lo = (uint8_t)in[2 * i + 1];
    bad |= notHexDigit(hi) | notHexDigit(lo);
    out[i] = (uint8_t)(hexValueOf(hi) << 4 | (hexValueOf(lo) & 15));
  }
  return bad == 0;
}

using EncodeHexFn = void (*)(const uint8_t *, size_t, char *);
using DecodeHexFn = bool (*)(const char *, size_t, uint8_t *);

/// The AVX2 conversions (HexAVX2.cpp), null when not compiled in or not
/// supported by the CPU.
EncodeHexFn avx2EncodeHex();
DecodeHexFn avx2DecodeHex();

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_HEX_INTERNAL_H

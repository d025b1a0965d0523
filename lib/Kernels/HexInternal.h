//===- HexInternal.h - Table-driven hex conversion and path lookup --------===//
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

/// Two upper-case digits per byte value, high nibble first.
struct HexPairs {
  char pair[256][2];
};
static constexpr HexPairs makeHexPairs() {
  HexPairs t{};
  const char *digits = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b) {
    t.pair[b][0] = digits[b >> 4];
    t.pair[b][1] = digits[b & 15];
  }
  return t;
}
static constexpr HexPairs kHexPairs = makeHexPairs();

/// The value of each character as a hex digit; 0xFF if it is not one.
struct HexValues {
  uint8_t value[256];
};
static constexpr HexValues makeHexValues() {
  HexValues t{};
  for (int c = 0; c < 256; ++c)
    t.value[c] = c >= '0' && c <= '9'   ? c - '0'
                 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                 : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                        : 0xFF;
  return t;
}
static constexpr HexValues kHexValues = makeHexValues();

static inline void encodeHexTable(const uint8_t *in, size_t n, char *out) {
  for (size_t i = 0; i < n; ++i)
    std::memcpy(out + 2 * i, kHexPairs.pair[in[i]], 2);
}

static inline bool decodeHexTable(const char *in, size_t n, uint8_t *out) {
  uint8_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t hi = kHexValues.value[(uint8_t)in[2 * i]];
    const uint8_t lo = kHexValues.value[(uint8_t)in[2 * i + 1]];
    bad |= hi | lo;
    out[i] = (uint8_t)(hi << 4 | (lo & 15));
  }
  return (bad & 0xF0) == 0;
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

//===- Packing.h - Quantized type table and blob packing ------------------===//
//
// The ONE place that defines the bit widths, code ranges and the blob layout
// of the quantized types (used by every implementation path and by callers):
//   8-bit types: one per byte.
//   4-bit types (si4, ui4, f4E2M1FN): two per byte, element 2k in the low nibble.
//   2-bit types: four per byte, lowest bits first.
// Signed integers are stored two's complement in their bit width. Padding
// bits of a last partial byte are zero.
//
// All functions are `static inline` on purpose: this header is included by
// translation units compiled with different -m flags, and internal linkage
// keeps the linker from mixing their copies.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_PACKING_H
#define COREAI_KERNELS_PACKING_H

#include "coreai/Kernels/Quantize.h"

#include <cstdint>

namespace coreai {
namespace kernels {

struct QTypeInfo {
  int bits;        // 2, 4 or 8
  bool isFloat;    // FP4/FP8
  bool isSigned;   // signed integer
  int qmin, qmax;  // full integer code range (unused for FP)
  float fmax;      // largest finite FP value (unused for ints)
  int mantBits;    // FP: mantissa bits
  int expBias;     // FP: exponent bias
};

static inline QTypeInfo qtypeInfo(QType t) {
  switch (t) {
  case QType::SI2: return {2, false, true, -2, 1, 0.f, 0, 0};
  case QType::UI2: return {2, false, false, 0, 3, 0.f, 0, 0};
  case QType::SI4: return {4, false, true, -8, 7, 0.f, 0, 0};
  case QType::UI4: return {4, false, false, 0, 15, 0.f, 0, 0};
  case QType::SI8: return {8, false, true, -128, 127, 0.f, 0, 0};
  case QType::UI8: return {8, false, false, 0, 255, 0.f, 0, 0};
  case QType::F4E2M1FN: return {4, true, true, 0, 0, 6.f, 1, 1};
  case QType::F8E4M3FN: return {8, true, true, 0, 0, 448.f, 3, 7};
  case QType::F8E5M2: return {8, true, true, 0, 0, 57344.f, 2, 15};
  }
  return {8, false, false, 0, 0, 0.f, 0, 0};
}

static inline int qtypeBits(QType t) { return qtypeInfo(t).bits; }

static inline uint64_t packedBytesForBits(int bits, int64_t n) {
  return (uint64_t)((n * bits + 7) / 8);
}

/// Code of an integer value in the data bit width (two's complement).
static inline uint8_t intCode(int v, int bits) {
  return (uint8_t)((unsigned)v & ((1u << bits) - 1u));
}

/// Packs `n` codes (each already masked to `bits`) of elements
/// [first, first+n) into `out` (the start of the whole blob). When `first` is
/// not byte aligned, the bits of the leading partial byte are OR-ed into it:
/// the caller must have written the preceding elements of that byte (with the
/// rest of it zero) itself. The trailing partial byte is written whole, with
/// its higher (not yet packed) bits zero.
static inline void packCodes(const uint8_t *codes, int64_t first, int64_t n,
                             int bits, uint8_t *out) {
  if (n <= 0)
    return;
  if (bits == 8) {
    uint8_t *dst = out + first;
    if (dst != codes)
      for (int64_t i = 0; i < n; ++i)
        dst[i] = codes[i];
    return;
  }
  const int perByte = 8 / bits;
  int64_t i = 0;
  // Leading partial byte.
  int64_t pos = first;
  if (pos % perByte) {
    uint8_t *b = out + pos / perByte;
    unsigned v = *b;
    for (; i < n && pos % perByte; ++i, ++pos)
      v |= (unsigned)codes[i] << ((pos % perByte) * bits);
    *b = (uint8_t)v;
  }
  // Whole bytes (written so compilers vectorize them).
  uint8_t *dst = out + pos / perByte;
  int64_t whole = (n - i) / perByte;
  const uint8_t *c = codes + i;
  if (bits == 4) {
    for (int64_t k = 0; k < whole; ++k)
      dst[k] = (uint8_t)(c[2 * k] | (c[2 * k + 1] << 4));
  } else {
    for (int64_t k = 0; k < whole; ++k)
      dst[k] = (uint8_t)(c[4 * k] | (c[4 * k + 1] << 2) | (c[4 * k + 2] << 4) |
                         (c[4 * k + 3] << 6));
  }
  i += whole * perByte;
  // Trailing partial byte.
  if (i < n) {
    unsigned v = 0;
    for (int s = 0; i < n; ++i, ++s)
      v |= (unsigned)codes[i] << (s * bits);
    dst[whole] = (uint8_t)v;
  }
}

/// Code of element `i` of a packed blob.
static inline uint8_t unpackCode(const uint8_t *blob, int64_t i, int bits) {
  const int perByte = 8 / bits;
  return (uint8_t)((blob[i / perByte] >> ((i % perByte) * bits)) &
                   ((1u << bits) - 1u));
}

/// Fills a packed blob of `n` elements with the same code (zero padding).
static inline void fillPacked(uint8_t *out, int64_t n, uint8_t code, int bits) {
  const int perByte = 8 / bits;
  uint8_t pattern = 0;
  for (int s = 0; s < perByte; ++s)
    pattern |= (uint8_t)(code << (s * bits));
  int64_t whole = n / perByte;
  for (int64_t k = 0; k < whole; ++k)
    out[k] = pattern;
  int rem = (int)(n % perByte);
  if (rem) {
    uint8_t v = 0;
    for (int s = 0; s < rem; ++s)
      v |= (uint8_t)(code << (s * bits));
    out[whole] = v;
  }
}

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_PACKING_H

//===- Packing.h - Quantized type table and blob packing ------------------===//
//
// The ONE place that defines the bit widths, code ranges and the blob layout
// of the quantized types and of palettization indices (used by every
// implementation path and by callers). Every packed blob is an LSB-first bit
// stream: element k of an N-bit blob takes bits [k*N, k*N+N) of the
// little-endian byte string (bit 0 is the LSB of byte 0). So:
//   8-bit types: one per byte.
//   4-bit types (si4, ui4, f4E2M1FN, ui4 indices): two per byte, element 2k
//     in the low nibble.
//   2-bit types: four per byte, lowest bits first.
//   1-bit indices: eight per byte, element 8k in bit 0.
//   3-bit indices: eight elements in three bytes; 6-bit indices: four
//     elements in three bytes (elements straddle byte boundaries).
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

/// Bit widths a packed blob may have: the quantized types' (2, 4, 8) and the
/// palettization indices' (ui1, ui2, ui3, ui4, ui6, ui8).
static inline bool isPackableBits(int bits) {
  return bits == 1 || bits == 2 || bits == 3 || bits == 4 || bits == 6 ||
         bits == 8;
}

/// Packs `n` codes (each already masked to `bits`, any isPackableBits width)
/// of elements [first, first+n) into `out` (the start of the whole blob).
/// When element `first` does not start on a byte boundary, its bits are
/// OR-ed into the leading partial byte: the caller must have written the
/// preceding elements of that byte (with the rest of it zero) itself. The
/// trailing partial byte is written whole, with its higher (not yet packed)
/// bits zero.
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
  // Elements per unit and bytes per unit: the shortest run of whole elements
  // that fills whole bytes (1 byte for 1/2/4 bits, 3 bytes for 3/6 bits).
  const int unitElems = bits == 3 ? 8 : bits == 6 ? 4 : 8 / bits;
  const int unitBytes = unitElems * bits / 8;
  // Leading elements up to a unit boundary, then the trailing partial unit,
  // through a bit accumulator.
  uint64_t pos = (uint64_t)first * (uint64_t)bits; // bit position
  uint8_t *p = out + pos / 8;
  int fill = (int)(pos % 8);
  uint64_t acc = fill ? (uint64_t)(*p & ((1u << fill) - 1u)) : 0;
  int64_t i = 0;
  auto put = [&](unsigned code) {
    acc |= (uint64_t)code << fill;
    fill += bits;
    while (fill >= 8) {
      *p++ = (uint8_t)acc;
      acc >>= 8;
      fill -= 8;
    }
  };
  for (; i < n && (first + i) % unitElems; ++i)
    put(codes[i]);
  // Whole units (fill == 0 here), written so compilers vectorize them.
  const int64_t whole = (n - i) / unitElems;
  const uint8_t *c = codes + i;
  uint8_t *dst = p;
  switch (bits) {
  case 1:
    for (int64_t k = 0; k < whole; ++k) {
      const uint8_t *e = c + 8 * k;
      dst[k] = (uint8_t)(e[0] | (e[1] << 1) | (e[2] << 2) | (e[3] << 3) |
                         (e[4] << 4) | (e[5] << 5) | (e[6] << 6) | (e[7] << 7));
    }
    break;
  case 2:
    for (int64_t k = 0; k < whole; ++k)
      dst[k] = (uint8_t)(c[4 * k] | (c[4 * k + 1] << 2) | (c[4 * k + 2] << 4) |
                         (c[4 * k + 3] << 6));
    break;
  case 3:
    for (int64_t k = 0; k < whole; ++k) {
      const uint8_t *e = c + 8 * k;
      const uint32_t v = (uint32_t)e[0] | (uint32_t)e[1] << 3 |
                         (uint32_t)e[2] << 6 | (uint32_t)e[3] << 9 |
                         (uint32_t)e[4] << 12 | (uint32_t)e[5] << 15 |
                         (uint32_t)e[6] << 18 | (uint32_t)e[7] << 21;
      dst[3 * k] = (uint8_t)v;
      dst[3 * k + 1] = (uint8_t)(v >> 8);
      dst[3 * k + 2] = (uint8_t)(v >> 16);
    }
    break;
  case 4:
    for (int64_t k = 0; k < whole; ++k)
      dst[k] = (uint8_t)(c[2 * k] | (c[2 * k + 1] << 4));
    break;
  case 6:
    for (int64_t k = 0; k < whole; ++k) {
      const uint8_t *e = c + 4 * k;
      const uint32_t v = (uint32_t)e[0] | (uint32_t)e[1] << 6 |
                         (uint32_t)e[2] << 12 | (uint32_t)e[3] << 18;
      dst[3 * k] = (uint8_t)v;
      dst[3 * k + 1] = (uint8_t)(v >> 8);
      dst[3 * k + 2] = (uint8_t)(v >> 16);
    }
    break;
  }
  i += whole * unitElems;
  p += whole * unitBytes;
  for (; i < n; ++i)
    put(codes[i]);
  if (fill > 0)
    *p = (uint8_t)acc; // the trailing partial byte, whole
}

/// Code of element `i` of a packed blob of `bits`-wide elements.
static inline uint8_t unpackCode(const uint8_t *blob, int64_t i, int bits) {
  const uint64_t pos = (uint64_t)i * (uint64_t)bits;
  const unsigned sh = (unsigned)(pos % 8);
  unsigned v = blob[pos / 8];
  if (sh + (unsigned)bits > 8) // straddles into the next byte
    v |= (unsigned)blob[pos / 8 + 1] << 8;
  return (uint8_t)((v >> sh) & ((1u << bits) - 1u));
}

/// Fills a packed blob of `n` elements with the same code (zero padding).
static inline void fillPacked(uint8_t *out, int64_t n, uint8_t code, int bits) {
  // One unit (see packCodes) of the repeated code, then whole units.
  const int unitElems = bits == 3 ? 8 : bits == 6 ? 4 : 8 / bits;
  const int unitBytes = unitElems * bits / 8;
  uint8_t unitCodes[8], pattern[3] = {0, 0, 0};
  for (int s = 0; s < unitElems; ++s)
    unitCodes[s] = code;
  packCodes(unitCodes, 0, unitElems, bits, pattern);
  const int64_t whole = n / unitElems;
  for (int64_t k = 0; k < whole; ++k)
    for (int b = 0; b < unitBytes; ++b)
      out[k * unitBytes + b] = pattern[b];
  packCodes(unitCodes, whole * unitElems, n - whole * unitElems, bits, out);
}

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_PACKING_H

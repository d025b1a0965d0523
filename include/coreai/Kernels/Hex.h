//===- Hex.h - Hex digits of resource blobs ---------------------*- C++ -*-===//
//
// MLIR's text format stores a resource blob as a string of two hex digits
// per byte (upper case when MLIR prints them, either case when it reads
// them). These functions convert between bytes and such digits on each
// implementation path (the scalar reference, a portable branch-free path,
// AVX2), split over threads for large data. Every path and every split
// gives the same result.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_HEX_H
#define COREAI_KERNELS_HEX_H

#include "coreai/Kernels/Quantize.h"

#include <cstddef>

namespace coreai {
namespace kernels {

/// Bytes per unit of parallel work (a unit's input and output stay in L2).
constexpr size_t kHexChunk = size_t(128) << 10;

/// Writes the 2 * n upper-case hex digits of `bytes` to `digits` (high
/// nibble first), through parallelFor when one is given.
void encodeHex(const void *bytes, size_t n, char *digits,
               const ParallelFor &parallelFor = {});
/// encodeHex() on an explicit path, on the calling thread.
void encodeHexWithIsa(Isa, const void *bytes, size_t n, char *digits);

/// Decodes the 2 * n hex digits (either case) at `digits` into n bytes.
/// Returns false, with `bytes` unspecified, if one is not a hex digit.
bool decodeHex(const char *digits, size_t n, void *bytes,
               const ParallelFor &parallelFor = {});
/// decodeHex() on an explicit path, on the calling thread.
bool decodeHexWithIsa(Isa, const char *digits, size_t n, void *bytes);

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_HEX_H

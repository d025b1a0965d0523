//===- Hex.cpp - Hex digits of resource blobs -----------------------------===//

#include "HexInternal.h"

#include <atomic>

namespace coreai {
namespace kernels {

using namespace detail;

namespace {

//===----------------------------------------------------------------------===//
// Scalar reference
//===----------------------------------------------------------------------===//

char hexDigit(unsigned nibble) {
  return (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}

/// The value of hex digit `c`, or -1.
int digitValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

void encodeHexScalar(const uint8_t *in, size_t n, char *out) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = hexDigit(in[i] >> 4);
    out[2 * i + 1] = hexDigit(in[i] & 15);
  }
}

bool decodeHexScalar(const char *in, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; ++i) {
    int hi = digitValue(in[2 * i]), lo = digitValue(in[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Path selection
//===----------------------------------------------------------------------===//

EncodeHexFn encoderFor(Isa isa) {
  if (isa == Isa::Scalar)
    return encodeHexScalar;
  if (isa == Isa::AVX2 || isa == Isa::AVX512)
    if (EncodeHexFn f = avx2EncodeHex())
      return f;
  return encodeHexPortable;
}

DecodeHexFn decoderFor(Isa isa) {
  if (isa == Isa::Scalar)
    return decodeHexScalar;
  if (isa == Isa::AVX2 || isa == Isa::AVX512)
    if (DecodeHexFn f = avx2DecodeHex())
      return f;
  return decodeHexPortable;
}

/// Calls body(begin, end) on byte ranges of kHexChunk covering [0, n),
/// through parallelFor when there is more than one.
template <typename Body>
void forEachChunk(size_t n, const ParallelFor &parallelFor, Body body) {
  const size_t chunks = (n + kHexChunk - 1) / kHexChunk;
  auto run = [&](size_t c0, size_t c1) {
    body(c0 * kHexChunk, c1 * kHexChunk < n ? c1 * kHexChunk : n);
  };
  if (parallelFor && chunks > 1)
    parallelFor(chunks, run);
  else
    run(0, chunks);
}

} // namespace

void encodeHexWithIsa(Isa isa, const void *bytes, size_t n, char *digits) {
  encoderFor(isa)((const uint8_t *)bytes, n, digits);
}

bool decodeHexWithIsa(Isa isa, const char *digits, size_t n, void *bytes) {
  return decoderFor(isa)(digits, n, (uint8_t *)bytes);
}

void encodeHex(const void *bytes, size_t n, char *digits,
               const ParallelFor &parallelFor) {
  const EncodeHexFn encode = encoderFor(activeIsa());
  const uint8_t *in = (const uint8_t *)bytes;
  forEachChunk(n, parallelFor, [&](size_t begin, size_t end) {
    encode(in + begin, end - begin, digits + 2 * begin);
  });
}

bool decodeHex(const char *digits, size_t n, void *bytes,
               const ParallelFor &parallelFor) {
  const DecodeHexFn decode = decoderFor(activeIsa());
  uint8_t *out = (uint8_t *)bytes;
  std::atomic<bool> ok{true};
  forEachChunk(n, parallelFor, [&](size_t begin, size_t end) {
    if (!decode(digits + 2 * begin, end - begin, out + begin))
      ok.store(false, std::memory_order_relaxed);
  });
  return ok.load();
}

} // namespace kernels
} // namespace coreai

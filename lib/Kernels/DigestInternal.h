//===- DigestInternal.h - Chunk hash definition and chunk tracking --------===//
//
// The chunk hash (Digest.h) in its defining scalar form, shared by the
// generic path and, for its tail, the AVX2 path (DigestAVX2.cpp), which
// computes the same function on 256-bit lanes. Everything has internal
// linkage (see KernelsInternal.h for why).
//
// A chunk is read in blocks of 512 bytes (a short last block is padded with
// zeros; the length enters the final mix). Four 64-bit accumulators take
// each 32-byte stripe s of a block, as 64-bit words w[0..3]:
//   x = w[j] ^ key[s][j];  acc[j] += lo32(x) * hi32(x);  acc[j ^ 1] += w[j]
// and after each block are scrambled:
//   acc[j] = (acc[j] ^ (acc[j] >> 47) ^ scrambleKey[j]) * kPrime32 (mod 2^64)
// The result mixes the length, the chunk index and the four accumulators
// through the splitmix64 finalizer.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_DIGEST_INTERNAL_H
#define COREAI_KERNELS_DIGEST_INTERNAL_H

#include "coreai/Kernels/Digest.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace coreai {
namespace kernels {
namespace detail {

constexpr size_t kHashBlock = 512;
constexpr int kHashStripes = 16; // 32-byte stripes per block
constexpr uint64_t kPrime32 = 0x9E3779B1u;
constexpr uint64_t kPrime64 = 0x9E3779B97F4A7C15ull;

struct HashKeys {
  uint64_t stripe[kHashStripes][4];
  uint64_t scramble[4];
  uint64_t init[4];
};

static constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static constexpr HashKeys makeHashKeys() {
  HashKeys k{};
  uint64_t state = 0x636F726561692D64ull; // any fixed seed
  auto next = [&state]() {
    state += kPrime64;
    return mix64(state);
  };
  for (int s = 0; s < kHashStripes; ++s)
    for (int j = 0; j < 4; ++j)
      k.stripe[s][j] = next();
  for (int j = 0; j < 4; ++j)
    k.scramble[j] = next();
  for (int j = 0; j < 4; ++j)
    k.init[j] = next();
  return k;
}

static constexpr HashKeys kHashKeys = makeHashKeys();

static inline void hashBlockScalar(uint64_t acc[4], const uint8_t *p) {
  for (int s = 0; s < kHashStripes; ++s)
    for (int j = 0; j < 4; ++j) {
      uint64_t w;
      std::memcpy(&w, p + 32 * s + 8 * j, 8);
      const uint64_t x = w ^ kHashKeys.stripe[s][j];
      acc[j] += (x & 0xffffffffu) * (x >> 32);
      acc[j ^ 1] += w;
    }
  for (int j = 0; j < 4; ++j)
    acc[j] = (acc[j] ^ (acc[j] >> 47) ^ kHashKeys.scramble[j]) * kPrime32;
}

/// The zero-padded last block, if n is not a multiple of kHashBlock.
static inline void hashTailScalar(uint64_t acc[4], const uint8_t *p,
                                  size_t n) {
  if (n % kHashBlock == 0)
    return;
  uint8_t block[kHashBlock] = {};
  std::memcpy(block, p + n / kHashBlock * kHashBlock, n % kHashBlock);
  hashBlockScalar(acc, block);
}

static inline uint64_t finishChunkHash(const uint64_t acc[4], size_t n,
                                       uint64_t index) {
  uint64_t h = mix64((uint64_t)n * kPrime64 + index);
  for (int j = 0; j < 4; ++j)
    h = mix64(h ^ acc[j]);
  return h;
}

using ChunkHashFn = uint64_t (*)(const void *, size_t, uint64_t);

/// AVX2 chunk hash (DigestAVX2.cpp), null when not compiled in or not
/// supported by the CPU.
ChunkHashFn avx2ChunkHash();
/// The chunk hash of a path (Digest.cpp).
ChunkHashFn chunkHashForIsa(Isa isa);

/// Hashes the chunks of an output blob as parts of it become final, so
/// that a chunk is hashed right after it was written (while in cache).
/// Workers report disjoint byte ranges that nobody writes afterwards; the
/// worker whose report completes a chunk hashes it. finish() hashes the
/// chunks never completed by reports (paths that do not report) and
/// returns the digest.
class ChunkDigester {
public:
  ChunkDigester(const uint8_t *base, size_t size, ChunkHashFn hash)
      : base(base), size(size), hash(hash),
        count((size + kDigestChunk - 1) / kDigestChunk), hashes(count),
        covered(new std::atomic<uint32_t>[count]) {
    for (size_t c = 0; c < count; ++c)
      covered[c].store(0, std::memory_order_relaxed);
  }

  /// Bytes [begin, end) are final. Thread-safe.
  void done(size_t begin, size_t end) {
    if (begin >= end)
      return;
    for (size_t c = begin / kDigestChunk; c <= (end - 1) / kDigestChunk;
         ++c) {
      const size_t lo = begin > c * kDigestChunk ? begin : c * kDigestChunk;
      const size_t hi = end < chunkEnd(c) ? end : chunkEnd(c);
      const uint32_t n = (uint32_t)(hi - lo);
      if (n == chunkLength(c)) {
        hashAt(c);
        covered[c].store(n, std::memory_order_relaxed);
      } else if (covered[c].fetch_add(n, std::memory_order_acq_rel) + n ==
                 chunkLength(c)) {
        hashAt(c);
      }
    }
  }

  /// After all workers are done.
  uint64_t finish(const ParallelFor &parallelFor) {
    std::vector<size_t> rest;
    for (size_t c = 0; c < count; ++c)
      if (covered[c].load(std::memory_order_relaxed) != chunkLength(c))
        rest.push_back(c);
    auto body = [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i)
        hashAt(rest[i]);
    };
    if (parallelFor && rest.size() > 1)
      parallelFor(rest.size(), body);
    else
      body(0, rest.size());
    return combineChunkHashes(hashes.data(), count, size);
  }

private:
  size_t chunkEnd(size_t c) const {
    return (c + 1) * kDigestChunk < size ? (c + 1) * kDigestChunk : size;
  }
  uint32_t chunkLength(size_t c) const {
    return (uint32_t)(chunkEnd(c) - c * kDigestChunk);
  }
  void hashAt(size_t c) {
    hashes[c] = hash(base + c * kDigestChunk, chunkLength(c), c);
  }

  const uint8_t *base;
  size_t size;
  ChunkHashFn hash;
  size_t count;
  std::vector<uint64_t> hashes;
  std::unique_ptr<std::atomic<uint32_t>[]> covered;
};

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_DIGEST_INTERNAL_H

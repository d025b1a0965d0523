//===- Digest.cpp - Content digests of output blobs -----------------------===//

#include "DigestInternal.h"

namespace coreai {
namespace kernels {

using namespace detail;

static uint64_t chunkHashScalar(const void *bytes, size_t n, uint64_t index) {
  const uint8_t *p = (const uint8_t *)bytes;
  uint64_t acc[4];
  for (int j = 0; j < 4; ++j)
    acc[j] = kHashKeys.init[j];
  for (size_t b = 0; b + kHashBlock <= n; b += kHashBlock)
    hashBlockScalar(acc, p + b);
  hashTailScalar(acc, p, n);
  return finishChunkHash(acc, n, index);
}

ChunkHashFn detail::chunkHashForIsa(Isa isa) {
  if (isa == Isa::AVX2 || isa == Isa::AVX512)
    if (ChunkHashFn f = avx2ChunkHash())
      return f;
  return chunkHashScalar;
}

uint64_t chunkHashWithIsa(Isa isa, const void *bytes, size_t n,
                          uint64_t index) {
  return chunkHashForIsa(isa)(bytes, n, index);
}

uint64_t chunkHash(const void *bytes, size_t n, uint64_t index) {
  return chunkHashForIsa(activeIsa())(bytes, n, index);
}

uint64_t combineChunkHashes(const uint64_t *hashes, size_t count,
                            size_t size) {
  uint64_t h = mix64((uint64_t)size ^ kHashKeys.init[0]);
  for (size_t i = 0; i < count; ++i)
    h = mix64(h * kPrime64 + hashes[i]);
  return h;
}

uint64_t digest(const void *bytes, size_t size,
                const ParallelFor &parallelFor) {
  ChunkDigester d((const uint8_t *)bytes, size, chunkHashForIsa(activeIsa()));
  return d.finish(parallelFor);
}

} // namespace kernels
} // namespace coreai

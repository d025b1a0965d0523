//===- Digest.h - Content digests of output blobs -------------------------===//
//
// A 64-bit digest names a blob after its bytes, so that names do not depend
// on the order of work or on what ran before. It is defined over fixed
// chunks, which lets quantize() hash each chunk of its output while the
// chunk is still in cache, and gives the same value on every path, thread
// count and CPU:
//
//   digest(bytes) = combineChunkHashes([chunkHash(chunk_i, i) ...], size)
//
// where chunk_i = bytes[i * kDigestChunk, min(size, (i+1) * kDigestChunk)).
// Not cryptographic: it separates unrelated data, not adversarial data.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_DIGEST_H
#define COREAI_KERNELS_DIGEST_H

#include "coreai/Kernels/Quantize.h"

#include <cstddef>
#include <cstdint>

namespace coreai {
namespace kernels {

constexpr size_t kDigestChunk = size_t(64) << 10;

/// Hash of one chunk (n <= kDigestChunk bytes) with its index.
uint64_t chunkHash(const void *bytes, size_t n, uint64_t index);
/// chunkHash() on an explicit path (Scalar and Generic share one).
uint64_t chunkHashWithIsa(Isa, const void *bytes, size_t n, uint64_t index);

/// Folds the chunk hashes of a blob of `size` bytes into its digest.
uint64_t combineChunkHashes(const uint64_t *hashes, size_t count, size_t size);

/// The digest of `size` bytes; chunks are hashed through parallelFor when
/// one is given.
uint64_t digest(const void *bytes, size_t size,
                const ParallelFor &parallelFor = {});

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_DIGEST_H

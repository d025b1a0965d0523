//===- OutputBuffers.cpp - Reused memory for large output blobs -----------===//

#include "coreai/Kernels/OutputBuffers.h"

#include <cstdlib>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#define COREAI_POOLED_BUFFERS 1
#endif

namespace coreai {
namespace {

constexpr size_t kAlignment = 64;
#if COREAI_POOLED_BUFFERS
constexpr size_t kHugePage = size_t(2) << 20;
/// Buffers from this size up are pooled mappings.
constexpr size_t kPooledMin = size_t(8) << 20;
/// Bytes of released mappings kept for reuse.
constexpr size_t kPoolCapacity = size_t(1) << 30;
/// Of those, the bytes kept as they are; the system may take back the pages
/// of the others (MADV_FREE). Marking pages free costs time twice, in the
/// call and in the next writes to them (about 8 ms per call when 134 MB of
/// weights are copied out of Apple's program into reused buffers), so the
/// buffers of a typical call stay as they are.
constexpr size_t kHotCapacity = size_t(512) << 20;

struct Mapping {
  void *base;
  size_t length;
};

class Pool {
public:
  /// A mapping of at least `length` bytes (a multiple of kHugePage): the
  /// smallest kept one no more than a quarter larger, else a new one
  /// (`fresh`). A buffer handed on for good (a blob that a caller's
  /// context keeps) then takes no mapping that a larger buffer of the next
  /// call would reuse.
  Mapping take(size_t length, bool &fresh) {
    fresh = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      size_t best = kept.size();
      for (size_t i = 0; i < kept.size(); ++i)
        if (kept[i].length >= length && kept[i].length <= length + length / 4 &&
            (best == kept.size() || kept[i].length < kept[best].length))
          best = i;
      if (best != kept.size()) {
        Mapping m = kept[best];
        kept.erase(kept.begin() + best);
        keptBytes -= m.length;
        return m;
      }
    }
    fresh = true;
    return map(length);
  }

  void give(Mapping m) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (keptBytes + m.length <= kPoolCapacity) {
#if defined(MADV_FREE)
        if (keptBytes + m.length > kHotCapacity)
          madvise(m.base, m.length, MADV_FREE);
#endif
        kept.push_back(m);
        keptBytes += m.length;
        return;
      }
    }
    munmap(m.base, m.length);
  }

private:
  /// A new mapping aligned to kHugePage, so that the system may back it
  /// with transparent huge pages where it does so by itself. It is not
  /// asked to (MADV_HUGEPAGE): with the usual `defrag=madvise` setting that
  /// makes the first write wait for memory compaction, which after a model
  /// conversion in the same process measured 0.36 s instead of 0.07 s for
  /// quantizing 134 MB of weights.
  static Mapping map(size_t length) {
    size_t over = length + kHugePage;
    void *raw = mmap(nullptr, over, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
      return {nullptr, 0};
    auto start = reinterpret_cast<uintptr_t>(raw);
    auto aligned = (start + kHugePage - 1) & ~(uintptr_t(kHugePage) - 1);
    if (aligned > start)
      munmap(raw, aligned - start);
    size_t tail = over - (aligned - start) - length;
    if (tail)
      munmap(reinterpret_cast<void *>(aligned + length), tail);
    return {reinterpret_cast<void *>(aligned), length};
  }

  std::mutex mutex;
  std::vector<Mapping> kept;
  size_t keptBytes = 0;
};

Pool &pool() {
  static Pool *p = new Pool; // never destroyed: buffers may outlive statics
  return *p;
}
#endif

} // namespace

OutputBuffer OutputBuffer::allocate(size_t size) {
  OutputBuffer b;
  b.length = size;
#if COREAI_POOLED_BUFFERS
  if (size >= kPooledMin) {
    Mapping m = pool().take((size + kHugePage - 1) / kHugePage * kHugePage,
                            b.fresh);
    if (!m.base)
      return OutputBuffer();
    b.base = m.base;
    b.mapped = m.length;
    b.bytes = static_cast<char *>(m.base);
    return b;
  }
#endif
  size_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
  b.base = std::aligned_alloc(kAlignment, rounded ? rounded : kAlignment);
  if (!b.base)
    return OutputBuffer();
  b.bytes = static_cast<char *>(b.base);
  return b;
}

OutputBuffer &OutputBuffer::operator=(OutputBuffer &&other) noexcept {
  if (this != &other) {
    release();
    bytes = other.bytes;
    length = other.length;
    base = other.base;
    mapped = other.mapped;
    fresh = other.fresh;
    other.bytes = nullptr;
    other.base = nullptr;
    other.length = other.mapped = 0;
    other.fresh = false;
  }
  return *this;
}

void OutputBuffer::release() {
  if (!base)
    return;
#if COREAI_POOLED_BUFFERS
  if (mapped)
    pool().give({base, mapped});
  else
#endif
    std::free(base);
  bytes = nullptr;
  base = nullptr;
  length = mapped = 0;
  fresh = false;
}

void prefault(char *data, size_t size) {
  constexpr size_t kPage = 4096;
  auto back = [](char *p, size_t n) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    // The whole pages inside the range (a partial page at either edge is
    // faulted in when it is written).
    auto start = (reinterpret_cast<uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
    auto end = (reinterpret_cast<uintptr_t>(p) + n) & ~(kPage - 1);
    if (end > start &&
        madvise(reinterpret_cast<void *>(start), end - start,
                MADV_POPULATE_WRITE) == 0)
      return;
#endif
    // Touch one byte a page, keeping its value.
    for (size_t i = 0; i < n; i += kPage)
      reinterpret_cast<volatile char *>(p)[i] =
          reinterpret_cast<volatile char *>(p)[i];
  };
  if (size < (size_t(4) << 20)) {
    back(data, size);
    return;
  }
  const size_t half = size / 2 / kPage * kPage;
  std::thread other([&] { back(data + half, size - half); });
  back(data, half);
  other.join();
}

} // namespace coreai

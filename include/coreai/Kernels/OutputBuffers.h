//===- OutputBuffers.h - Reused memory for large output blobs -------------===//
//
// Writing a fresh mapping costs a page fault and the zeroing of every page,
// which for quantized weights is as much time as the quantization itself.
// Large output buffers, and the kernels' large scratch, therefore come from
// a process-wide pool of mappings: a released buffer is kept (up to a cap)
// for the next one of a similar size, with its pages marked free
// (MADV_FREE), so the system still reclaims them under memory pressure.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_OUTPUTBUFFERS_H
#define COREAI_KERNELS_OUTPUTBUFFERS_H

#include <cstddef>

namespace coreai {

class OutputBuffer {
public:
  /// A writable buffer of `size` bytes aligned to at least 64 bytes, with
  /// unspecified contents; data() is null when the memory is not available.
  /// Small sizes are plain heap memory.
  static OutputBuffer allocate(size_t size);

  OutputBuffer() = default;
  OutputBuffer(OutputBuffer &&other) noexcept {
    *this = static_cast<OutputBuffer &&>(other);
  }
  OutputBuffer &operator=(OutputBuffer &&other) noexcept;
  OutputBuffer(const OutputBuffer &) = delete;
  OutputBuffer &operator=(const OutputBuffer &) = delete;
  ~OutputBuffer() { release(); }

  char *data() const { return bytes; }
  size_t size() const { return length; }
  /// True when the memory is a new mapping, whose pages are backed only as
  /// they are first written.
  bool isFresh() const { return fresh; }
  /// Gives the memory back (to the pool, for pooled buffers).
  void release();

private:
  char *bytes = nullptr;
  size_t length = 0;
  void *base = nullptr;  // the mapping or heap block
  size_t mapped = 0;     // bytes mapped; 0 for heap memory
  bool fresh = false;
};

/// Backs the pages of [data, data + size) with memory now, on two threads
/// (the calling one and one more): for a fresh buffer that a single thread
/// of someone else's code is about to fill, faulting the pages in as it
/// writes would take about twice as long (0.3 us a page here).
void prefault(char *data, size_t size);

} // namespace coreai

#endif // COREAI_KERNELS_OUTPUTBUFFERS_H

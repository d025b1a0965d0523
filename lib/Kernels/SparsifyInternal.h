//===- SparsifyInternal.h - The state between selection and writing ------===//
//
// planSparsity() (SparsifySelect.cpp) fills a SparsityPlanState;
// writeSparsity() (Sparsify.cpp) reads it. The weight is viewed as
// [O, C, In] around the axis of the mode (Unstructured: [1, N, 1]). Work is
// cut into chunks of consecutive elements fixed by the layout alone:
//   Unstructured: kFlatChunk elements each (more when there would be more
//     than kMaxFlatChunks);
//   Block / NM: runs of whole "rows" of blocks / groups: row u = (o, j)
//     holds the indices [j*w, min((j+1)*w, C)) along the axis (w = bs or m)
//     of every i < In, the contiguous elements [(o*C + j*w)*In,
//     (o*C + min((j+1)*w, C))*In); a chunk holds whole rows, about
//     kRowChunk elements.
// Each chunk knows how many values come before it, so chunks write their
// values independently; mask bytes shared by two chunks are merged after.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_SPARSIFYINTERNAL_H
#define COREAI_KERNELS_SPARSIFYINTERNAL_H

#include "coreai/Kernels/OutputBuffers.h"
#include "coreai/Kernels/Sparsify.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace coreai {
namespace kernels {

constexpr int64_t kFlatChunk = int64_t(1) << 18;
constexpr int64_t kMaxFlatChunks = 256;
constexpr int64_t kRowChunk = int64_t(1) << 16;

struct SparseChunk {
  int64_t begin = 0, end = 0; ///< elements [begin, end)
  int64_t rowBegin = 0, rowEnd = 0; ///< Block / NM: rows [rowBegin, rowEnd)
  int64_t valueOffset = 0; ///< values written by the chunks before
  int64_t numNonZero = 0;  ///< values this chunk writes
  /// Unstructured: elements with |w| == T in the chunks before, and in
  /// this one.
  int64_t eqBefore = 0, eqCount = 0;
};

struct SparsityPlanState {
  const void *src = nullptr;
  SrcType st = SrcType::F32;
  SparsityLayout layout;
  SparsityParams params;
  int64_t N = 0, numNonZero = 0;
  /// The view around the mode's axis, the row width w (bs or m) and the
  /// rows per fibre ceil(C / w).
  int64_t O = 1, C = 1, In = 1, width = 1, rowsPerFibre = 1;
  std::vector<SparseChunk> chunks;

  /// Unstructured: with key = |w| bits, prune every key < T and the first
  /// r elements (flat order) with key == T; pruneAll when k == N.
  bool pruneAll = false;
  uint32_t T = 0;
  int64_t r = 0;

  /// Block: 1 for a kept block, indexed by row * In + i.
  OutputBuffer keepBlock;

  /// NM: elements pruned in a full group and in the tail group.
  int64_t nFull = 0, nTail = 0;
};

struct SparsityPlanAccess {
  static SparsityPlanState *get(const SparsityPlan &p) { return p.state.get(); }
  static void set(SparsityPlan &p, std::unique_ptr<SparsityPlanState> s) {
    p.state = std::move(s);
  }
};

/// The selection (SparsifySelect.cpp): fills `s` (src, st, layout and
/// params already set, valid) and its chunks with their counts.
QuantResult selectSparsity(SparsityPlanState &s, const ParallelFor &pf);

/// NM (SparsifyNM.cpp): counts each chunk's values.
QuantResult selectNM(SparsityPlanState &s, const ParallelFor &pf);

/// NonFinite with the first NaN/Inf of the chunks flagged in `bad` (in
/// chunk order); Ok when none is.
QuantResult nonFiniteResult(const SparsityPlanState &s,
                            const std::vector<uint8_t> &bad);

/// Sets the chunks' value offsets and numNonZero from their counts.
void finishChunks(SparsityPlanState &s);

/// Cuts [0, O * rowsPerFibre) rows into chunks of whole rows.
void makeRowChunks(SparsityPlanState &s);

/// |w| as ordered integer bits: f16/bf16 15 bits, f32 31 bits.
static inline uint32_t magnitudeKey(const void *src, bool wide, int64_t i) {
  if (wide) {
    uint32_t u;
    std::memcpy(&u, (const char *)src + 4 * i, 4);
    return u & 0x7fffffffu;
  }
  uint16_t h;
  std::memcpy(&h, (const char *)src + 2 * i, 2);
  return h & 0x7fffu;
}

/// The smallest key of a NaN or Inf.
static inline uint32_t nonFiniteKey(SrcType st) {
  switch (st) {
  case SrcType::F32: return 0x7f800000u;
  case SrcType::F16: return 0x7c00u;
  case SrcType::BF16: return 0x7f80u;
  }
  return 0x7f800000u;
}

/// What a scan of keys against a band [lo, hi] found.
struct BandScan {
  int64_t below = 0, above = 0; ///< keys < lo, keys > hi
  int64_t inBand = 0;           ///< keys in [lo, hi], written out in order
  bool nonFinite = false;       ///< a key >= the scan's `bad` was seen
  bool overflow = false; ///< more keys in the band than the output holds
  void add(const BandScan &o) {
    below += o.below;
    above += o.above;
    inBand += o.inBand;
    nonFinite |= o.nonFinite;
    overflow |= o.overflow;
  }
};

/// The scan of elements [begin, end) of `w` (f32 bits when `wide`, else
/// 16-bit): counts, and the keys in the band appended to `out` (at most
/// `capacity`; past it the scan stops with `overflow`).
BandScan bandScanScalar(const void *w, bool wide, int64_t begin, int64_t end,
                        uint32_t lo, uint32_t hi, uint32_t bad, uint32_t *out,
                        int64_t capacity);

/// SparseScanKernels::addSquares, one element at a time.
void addSquaresScalar(const void *row, SrcType st, int64_t n, double *score,
                      uint32_t &worst, int64_t &zeros);

/// The loops that run over the whole weight, per instruction set (see
/// sparseScanKernels).
struct SparseScanKernels {
  /// bandScanScalar over [0, n); `out` has room for 16 keys past
  /// `capacity`.
  BandScan (*bandScan)(const void *w, bool wide, int64_t n, uint32_t lo,
                       uint32_t hi, uint32_t bad, uint32_t *out,
                       int64_t capacity);
  /// Optional (null: the generic emitter does it). Elements [0, n), n a
  /// multiple of 16 and `mask` at the byte of the first: bit = key >= thr
  /// (thr >= 1, so zeros are never kept), the kept elements written in
  /// order from `values`. Returns how many were kept.
  int64_t (*writeAtLeast)(const void *w, bool wide, int64_t n, uint32_t thr,
                          uint8_t *mask, uint8_t *values);
  /// Optional. n:m with groups of m contiguous elements (m in {2, 4, 8,
  /// 16}): elements [0, n), n a multiple of 16, the first starting a group
  /// and at the byte of `mask`; in each group the nP smallest (key, index)
  /// are pruned, and zeros. Returns how many were kept.
  int64_t (*writeGroups)(const void *w, bool wide, int64_t n, int m, int nP,
                         uint8_t *mask, uint8_t *values);
  /// Optional. Elements [0, n), n a multiple of 16 and `mask` at the byte
  /// of the first: bit = keep[j] && key != 0, the kept elements written in
  /// order from `values`. Returns how many were kept.
  int64_t (*writeFlags)(const void *w, bool wide, int64_t n,
                        const uint8_t *keep, uint8_t *mask, uint8_t *values);
  /// Block scores: score[i] += |w_i|^2 (in f64; the square of an f32 is
  /// exact, so any order of rows gives the generic loop's sums) for i in
  /// [0, n) of a row of type st; raises `worst` to the largest key and adds
  /// the zero elements to `zeros`.
  void (*addSquares)(const void *row, SrcType st, int64_t n, double *score,
                     uint32_t &worst, int64_t &zeros);
};

/// The kernels of the active instruction set (the generic ones when it has
/// none of its own).
const SparseScanKernels &sparseScanKernels();
const SparseScanKernels *sparseScanAVX512Kernels(); // null when not built

/// NM: the keep flags of rows [u0, u1) (their elements in order).
void nmKeepRows(const SparsityPlanState &s, int64_t u0, int64_t u1,
                std::vector<uint32_t> &keys, uint8_t *keep);

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_SPARSIFYINTERNAL_H

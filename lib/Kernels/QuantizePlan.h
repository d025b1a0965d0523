//===- QuantizePlan.h - A block layout seen as rows of blocks ---*- C++ -*-===//
//
// The tensor is viewed in memory order as rows of `rowLen` elements, each
// row made of `blocksPerRow` blocks of `blockLen` contiguous elements;
// consecutive blocks of a row belong to consecutive grid cells. After the
// dims of size 1 are dropped and mergeable neighbours merged, the outer dims
// map each row to a "block row": `rowsPerBlock` rows share the same
// `blocksPerRow` blocks. For example a [64, 4096] weight in blocks of
// [1, 32] is a single row of 262144 elements in blocks of 32 (the dims
// merge); in blocks of [64, 1] it is one block row of 64 rows of 4096
// one-element blocks.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_QUANTIZEPLAN_H
#define COREAI_KERNELS_QUANTIZEPLAN_H

#include "coreai/Kernels/Quantize.h"

#include <cstdint>
#include <vector>

namespace coreai {
namespace kernels {
namespace detail {

struct RowPlan {
  explicit RowPlan(const BlockLayout &layout);

  int64_t numElements = 1;
  int64_t rowLen = 1;       // elements per row (the merged last dim)
  int64_t blockLen = 1;     // elements per block along a row
  int64_t blocksPerRow = 1; // rowLen / blockLen
  int64_t rowsPerBlock = 1; // rows sharing the blocks of a block row
  int64_t numBlockRows = 1;
  int64_t numRows = 1;

  int64_t numBlocks() const { return numBlockRows * blocksPerRow; }
  /// Outer (merged) dims: 0 = a single row, 1 = a matrix of rows.
  size_t numOuterDims() const { return outerSize.size(); }
  /// Row index of the t-th row (row-major over the block) of block row br.
  int64_t rowOf(int64_t br, int64_t t) const;
  /// Block row of row r.
  int64_t blockRowOf(int64_t r) const;

private:
  // Per outer dim: its size, its block size and its number of blocks.
  std::vector<int64_t> outerSize, outerBlock, outerBlocks;
};

} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_QUANTIZEPLAN_H

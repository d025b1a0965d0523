//===- QuantizePlan.cpp - A block layout seen as rows of blocks -----------===//
#include "QuantizePlan.h"

#include <utility>

namespace coreai {
namespace kernels {
namespace detail {

RowPlan::RowPlan(const BlockLayout &l) {
  // (size, block) per dim, dims of size 1 dropped.
  std::vector<std::pair<int64_t, int64_t>> d;
  for (size_t i = 0; i < l.shape.size(); ++i) {
    if (l.shape[i] == 1)
      continue;
    std::pair<int64_t, int64_t> cur{l.shape[i], l.blockShape[i]};
    // (s0,b0),(s1,b1) merge when b0 == 1 or b1 == s1: block b0*b1.
    if (!d.empty() && (d.back().second == 1 || cur.second == cur.first)) {
      d.back().first *= cur.first;
      d.back().second *= cur.second;
    } else {
      d.push_back(cur);
    }
  }
  if (d.empty())
    d.push_back({1, 1});
  rowLen = d.back().first;
  blockLen = d.back().second;
  blocksPerRow = rowLen / blockLen;
  d.pop_back();
  numElements = rowLen;
  for (auto &x : d) {
    outerSize.push_back(x.first);
    outerBlock.push_back(x.second);
    outerBlocks.push_back(x.first / x.second);
    rowsPerBlock *= x.second;
    numBlockRows *= x.first / x.second;
    numRows *= x.first;
    numElements *= x.first;
  }
}

int64_t RowPlan::rowOf(int64_t br, int64_t t) const {
  if (numOuterDims() <= 1)
    return br * rowsPerBlock + t;
  int64_t row = 0, mul = 1;
  for (size_t i = outerSize.size(); i-- > 0;) {
    int64_t q = br % outerBlocks[i], u = t % outerBlock[i];
    br /= outerBlocks[i];
    t /= outerBlock[i];
    row += (q * outerBlock[i] + u) * mul;
    mul *= outerSize[i];
  }
  return row;
}

int64_t RowPlan::blockRowOf(int64_t r) const {
  if (numOuterDims() <= 1)
    return r / rowsPerBlock;
  int64_t br = 0, mul = 1;
  for (size_t i = outerSize.size(); i-- > 0;) {
    int64_t x = r % outerSize[i];
    r /= outerSize[i];
    br += (x / outerBlock[i]) * mul;
    mul *= outerBlocks[i];
  }
  return br;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

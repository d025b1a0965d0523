//===- Sparsify.cpp - Sparsification: parameters, plan, mask and values ---===//
//
// The parts of Sparsify.h around the selection (SparsifySelect.cpp):
// validation, the plan, the single pass that writes the mask and the
// values, densifying, and the joint modes (quantize() / palettize() on the
// kept values).
//
// The writing pass runs over the plan's chunks. Each computes the keep flag
// of its elements (from the threshold, the kept blocks or the n:m ranks),
// packs the bits `keep && w != 0` as a 1-bit stream (Packing.h) and copies
// the flagged values to its own range of the values. A chunk writes the
// mask bytes from its first byte-aligned element on; the bits of a leading
// partial byte (shared with the chunk before) are OR-ed in afterwards.
//
//===----------------------------------------------------------------------===//
#include "SparsifyInternal.h"
#include "KernelsInternal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

//===----------------------------------------------------------------------===//
// Layout, parameters, plan
//===----------------------------------------------------------------------===//

int64_t SparsityLayout::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool SparsityParams::isValid() const {
  switch (mode) {
  case SparsityMode::Unstructured:
    return targetSparsity >= 0.0 && targetSparsity <= 1.0; // false for NaN
  case SparsityMode::Block:
    return targetSparsity >= 0.0 && targetSparsity <= 1.0 && blockSize >= 2;
  case SparsityMode::NM:
    return m >= 1 && n >= 0 && n <= m;
  }
  return false;
}

bool isValidSparsity(const SparsityLayout &l, const SparsityParams &p) {
  if (!p.isValid() || l.shape.size() > 64)
    return false;
  for (int64_t d : l.shape)
    if (d < 1)
      return false;
  auto inRange = [&](int a) { return a >= 0 && a < l.rank(); };
  if (p.mode == SparsityMode::Block && !inRange(l.outputAxis))
    return false;
  if (p.mode == SparsityMode::NM && !inRange(l.inputAxis))
    return false;
  return true;
}

SparsityApplicability sparsityApplicability(const SparsityLayout &l,
                                            const SparsityParams &p) {
  if (p.mode == SparsityMode::Unstructured)
    return SparsityApplicability::Ok;
  if (l.rank() < 2)
    return SparsityApplicability::Rank1;
  if (p.mode == SparsityMode::Block &&
      2 * p.blockSize > l.shape[l.outputAxis]) // bs > C / 2
    return SparsityApplicability::BlockTooLarge;
  if (p.mode == SparsityMode::NM && 2 * p.m > l.shape[l.inputAxis])
    return SparsityApplicability::MTooLarge;
  return SparsityApplicability::Ok;
}

namespace {

/// The view [O, C, In] around `axis` and the row width w.
void setView(SparsityPlanState &s, int axis, int64_t w) {
  const auto &sh = s.layout.shape;
  s.O = s.In = 1;
  for (int d = 0; d < axis; ++d)
    s.O *= sh[d];
  for (int d = axis + 1; d < (int)sh.size(); ++d)
    s.In *= sh[d];
  s.C = sh[axis];
  s.width = w;
  s.rowsPerFibre = (s.C + w - 1) / w;
}

void prepare(SparsityPlanState &s) {
  const SparsityParams &p = s.params;
  s.N = s.layout.numElements();
  switch (p.mode) {
  case SparsityMode::Unstructured:
    s.O = s.In = 1;
    s.C = s.N;
    break;
  case SparsityMode::Block:
    setView(s, s.layout.outputAxis, p.blockSize);
    break;
  case SparsityMode::NM: {
    setView(s, s.layout.inputAxis, p.m);
    const int64_t r = s.C % p.m;
    s.nFull = p.n;
    s.nTail = r ? std::max<int64_t>(0, p.n - (p.m - r)) : p.n;
    break;
  }
  }
}

} // namespace

SparsityTarget sparsityTarget(const SparsityLayout &l,
                              const SparsityParams &p) {
  if (!isValidSparsity(l, p))
    return {};
  SparsityPlanState s;
  s.layout = l;
  s.params = p;
  prepare(s);
  switch (p.mode) {
  case SparsityMode::Unstructured:
    return {s.N, (int64_t)std::floor((double)s.N * p.targetSparsity)};
  case SparsityMode::Block: {
    const int64_t B = s.O * s.rowsPerFibre * s.In;
    return {B, (int64_t)std::floor((double)B * p.targetSparsity)};
  }
  case SparsityMode::NM: {
    const int64_t full = s.C / p.m, groups = s.O * s.rowsPerFibre * s.In;
    return {groups, s.O * s.In * (full * s.nFull + (s.C % p.m ? s.nTail : 0))};
  }
  }
  return {};
}

SparsityPlan::SparsityPlan() = default;
SparsityPlan::~SparsityPlan() = default;
SparsityPlan::SparsityPlan(SparsityPlan &&) noexcept = default;
SparsityPlan &SparsityPlan::operator=(SparsityPlan &&) noexcept = default;

bool SparsityPlan::isReady() const { return state != nullptr; }
int64_t SparsityPlan::numElements() const { return state ? state->N : 0; }
int64_t SparsityPlan::numNonZero() const {
  return state ? state->numNonZero : 0;
}
SrcType SparsityPlan::srcType() const {
  return state ? state->st : SrcType::F32;
}

QuantResult planSparsity(const void *src, SrcType st, const SparsityLayout &l,
                         const SparsityParams &p, const ParallelFor &pf,
                         SparsityPlan &plan) {
  SparsityPlanAccess::set(plan, nullptr);
  if (!src || !isValidSparsity(l, p))
    return {Status::InvalidArgument, -1};
  auto s = std::make_unique<SparsityPlanState>();
  s->src = src;
  s->st = st;
  s->layout = l;
  s->params = p;
  prepare(*s);
  QuantResult r = selectSparsity(*s, pf);
  if (r.status == Status::Ok)
    SparsityPlanAccess::set(plan, std::move(s));
  return r;
}

SparsitySizes sparsitySizes(const SparsityPlan &plan) {
  const SparsityPlanState *s = SparsityPlanAccess::get(plan);
  SparsitySizes z;
  if (!s)
    return z;
  z.maskBytes = (size_t)packedBytesForBits(1, s->N);
  z.numValues = s->numNonZero;
  z.valueBytes = (size_t)s->numNonZero * (size_t)srcElemSize(s->st);
  z.maskAllTrue = s->numNonZero == s->N;
  z.maskAllFalse = s->numNonZero == 0;
  return z;
}

//===----------------------------------------------------------------------===//
// The writing pass
//===----------------------------------------------------------------------===//

namespace {

constexpr int64_t kTile = 4096;

/// Writes one chunk's mask bits and values, fed keep flags in element
/// order.
template <class U> struct Emitter {
  const uint8_t *src;
  uint8_t *mask, *values;
  int64_t pos;        ///< next element
  int64_t valuePos;   ///< next value
  uint8_t head = 0;   ///< bits of the leading partial byte
  int64_t headByte = -1;
  uint8_t bits[kTile];
  U staged[kTile + 1]; // one spare slot for the branch-free copy

  Emitter(const uint8_t *src, uint8_t *mask, uint8_t *values,
          const SparseChunk &c)
      : src(src), mask(mask), values(values), pos(c.begin),
        valuePos(c.valueOffset) {
    if (pos % 8)
      headByte = pos / 8;
  }

  /// Elements [pos, pos + n) with their keep flags.
  void put(const uint8_t *keep, int64_t n) {
    constexpr U magMask = (U)(sizeof(U) == 4 ? 0x7fffffffu : 0x7fffu);
    // Whole mask bytes from a byte boundary: the instruction set's loop.
    const SparseScanKernels &kernels = sparseScanKernels();
    if (kernels.writeFlags && pos % 8 == 0 && n >= 16) {
      const int64_t len = n / 16 * 16;
      valuePos += kernels.writeFlags(src + sizeof(U) * pos, sizeof(U) == 4,
                                     len, keep, mask + pos / 8,
                                     values + sizeof(U) * valuePos);
      pos += len;
      keep += len;
      n -= len;
    }
    while (n > 0) {
      const int64_t len = std::min(n, kTile);
      const U *__restrict w = (const U *)(const void *)(src + sizeof(U) * pos);
      const uint8_t *__restrict k = keep;
      uint8_t *__restrict b = bits;
      // The mask bits, then the flagged values (branch-free: every value
      // is staged, the position advances by its bit).
      for (int64_t j = 0; j < len; ++j)
        b[j] = k[j] & (uint8_t)((w[j] & magMask) != 0);
      U *__restrict st = staged;
      int64_t kept = 0;
      for (int64_t j = 0; j < len; ++j) {
        st[kept] = w[j];
        kept += b[j];
      }
      if (kept)
        std::memcpy(values + sizeof(U) * valuePos, staged, sizeof(U) * kept);
      valuePos += kept;
      int64_t j = 0;
      // The leading partial byte belongs to the chunk before as well.
      for (; j < len && (pos + j) % 8 && headByte == (pos + j) / 8; ++j)
        head |= (uint8_t)(bits[j] << ((pos + j) % 8));
      packCodes(bits + j, pos + j, len - j, 1, mask);
      pos += len;
      keep += len;
      n -= len;
    }
  }
};

/// Unstructured: the elements of a chunk whose keys are all kept at T
/// or all pruned at T are kept exactly when key >= thr. With a kernel for
/// that, it writes the chunk's whole 16-element runs; `c` is left with the
/// rest (if any).
template <class U>
void writeAtLeastFast(const SparsityPlanState &s, SparseChunk &c, uint8_t *mask,
                      uint8_t *values) {
  const SparseScanKernels &kernels = sparseScanKernels();
  const bool allKept = c.eqBefore >= s.r;
  const bool allPruned = c.eqBefore + c.eqCount <= s.r;
  if (!kernels.writeAtLeast || s.pruneAll || !(allKept || allPruned) ||
      c.begin % 8 != 0)
    return;
  // Zeros are never kept: thr >= 1.
  const uint32_t thr = std::max<uint32_t>(1u, allKept ? s.T : s.T + 1);
  const int64_t n = (c.end - c.begin) / 16 * 16;
  const int64_t kept = kernels.writeAtLeast(
      (const U *)s.src + c.begin, sizeof(U) == 4, n, thr, mask + c.begin / 8,
      values + sizeof(U) * c.valueOffset);
  c.begin += n;
  c.valueOffset += kept;
}

/// n:m with groups of m contiguous elements and no tail group: with a
/// kernel for it, writes the chunk's whole 16-element runs; `c` is left
/// with the rest (if any).
template <class U>
void writeGroupsFast(const SparsityPlanState &s, SparseChunk &c, uint8_t *mask,
                     uint8_t *values) {
  const SparseScanKernels &kernels = sparseScanKernels();
  const int64_t m = s.width;
  if (!kernels.writeGroups || s.In != 1 || s.C % m != 0 ||
      !(m == 2 || m == 4 || m == 8 || m == 16) || c.begin % 8 != 0)
    return;
  const int64_t n = (c.end - c.begin) / 16 * 16;
  const int64_t kept = kernels.writeGroups(
      (const U *)s.src + c.begin, sizeof(U) == 4, n, (int)m, (int)s.nFull,
      mask + c.begin / 8, values + sizeof(U) * c.valueOffset);
  c.begin += n;
  c.rowBegin += n / m;
  c.valueOffset += kept;
}

template <class U>
void writeChunk(const SparsityPlanState &s, const SparseChunk &chunk,
                uint8_t *mask, uint8_t *values, uint8_t &head,
                int64_t &headByte) {
  SparseChunk c = chunk;
  if (s.params.mode == SparsityMode::Unstructured)
    writeAtLeastFast<U>(s, c, mask, values);
  else if (s.params.mode == SparsityMode::NM)
    writeGroupsFast<U>(s, c, mask, values);
  Emitter<U> em((const uint8_t *)s.src, mask, values, c);
  std::vector<uint8_t> keep;
  switch (s.params.mode) {
  case SparsityMode::Unstructured: {
    keep.resize((size_t)kTile);
    const U *src = (const U *)s.src;
    constexpr U magMask = (U)(sizeof(U) == 4 ? 0x7fffffffu : 0x7fffu);
    const U T = (U)s.T;
    int64_t seen = c.eqBefore; // elements at T so far
    // Elements at T are all kept, all pruned, or (in the chunk holding
    // the r-th of them) decided one by one.
    const bool allKept = c.eqBefore >= s.r;
    const bool allPruned = c.eqBefore + c.eqCount <= s.r;
    for (int64_t x = c.begin; x < c.end; x += kTile) {
      const int64_t len = std::min(kTile, c.end - x);
      const U *__restrict w = src + x;
      uint8_t *__restrict k = keep.data();
      if (s.pruneAll) {
        std::memset(k, 0, (size_t)len);
      } else if (allKept) {
        for (int64_t j = 0; j < len; ++j)
          k[j] = (U)(w[j] & magMask) >= T;
      } else if (allPruned) {
        for (int64_t j = 0; j < len; ++j)
          k[j] = (U)(w[j] & magMask) > T;
      } else {
        for (int64_t j = 0; j < len; ++j) {
          const U key = (U)(w[j] & magMask);
          k[j] = key > T || (key == T && seen++ >= s.r);
        }
      }
      em.put(keep.data(), len);
    }
    break;
  }
  case SparsityMode::Block: {
    // Every row of a block row takes the flags of its blocks; rows are
    // gathered into tiles.
    const int64_t In = s.In, C = s.C, bs = s.width, Cb = s.rowsPerFibre;
    keep.clear();
    for (int64_t u = c.rowBegin; u < c.rowEnd; ++u) {
      const int64_t c0 = (u % Cb) * bs, rows = std::min(C, c0 + bs) - c0;
      const uint8_t *flags = (const uint8_t *)s.keepBlock.data() + u * In;
      if (In == 1) { // a block of contiguous elements
        keep.resize(keep.size() + (size_t)rows, flags[0]);
        if (keep.size() >= (size_t)kTile) {
          em.put(keep.data(), (int64_t)keep.size());
          keep.clear();
        }
        continue;
      }
      for (int64_t t = 0; t < rows; ++t) {
        if (In >= kTile) {
          em.put(flags, In);
          continue;
        }
        const size_t at = keep.size();
        keep.resize(at + (size_t)In);
        std::memcpy(keep.data() + at, flags, (size_t)In);
        if (keep.size() >= (size_t)kTile) {
          em.put(keep.data(), (int64_t)keep.size());
          keep.clear();
        }
      }
    }
    em.put(keep.data(), (int64_t)keep.size());
    break;
  }
  case SparsityMode::NM: {
    // Batches of whole groups rows of about a tile.
    const int64_t perRow = s.width * s.In;
    const int64_t step = std::max<int64_t>(1, kTile / perRow);
    std::vector<uint32_t> keys;
    for (int64_t u = c.rowBegin; u < c.rowEnd; u += step) {
      const int64_t v = std::min(c.rowEnd, u + step);
      const int64_t Cg = s.rowsPerFibre;
      auto start = [&](int64_t r) {
        return r == s.O * Cg ? s.N : ((r / Cg) * s.C + (r % Cg) * s.width) * s.In;
      };
      const int64_t n = start(v) - start(u);
      keep.resize((size_t)n);
      nmKeepRows(s, u, v, keys, keep.data());
      em.put(keep.data(), n);
    }
    break;
  }
  }
  head = em.head;
  headByte = em.headByte;
}

} // namespace

Status writeSparsity(const SparsityPlan &plan, const SparsityOutputs &out,
                     const ParallelFor &pf) {
  const SparsityPlanState *s = SparsityPlanAccess::get(plan);
  if (!s || !out.mask || (s->numNonZero > 0 && !out.values))
    return Status::InvalidArgument;
  const size_t nc = s->chunks.size();
  std::vector<uint8_t> heads(nc, 0);
  std::vector<int64_t> headBytes(nc, -1);
  uint8_t *mask = (uint8_t *)out.mask, *values = (uint8_t *)out.values;
  runParallel(pf, nc, [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) {
      if (s->st == SrcType::F32)
        writeChunk<uint32_t>(*s, s->chunks[c], mask, values, heads[c],
                             headBytes[c]);
      else
        writeChunk<uint16_t>(*s, s->chunks[c], mask, values, heads[c],
                             headBytes[c]);
    }
  });
  // The bytes a chunk shares with the one before: its bits OR-ed in.
  for (size_t c = 0; c < nc; ++c)
    if (headBytes[c] >= 0)
      mask[headBytes[c]] |= heads[c];
  return Status::Ok;
}

QuantResult sparsify(const void *src, SrcType st, const SparsityLayout &l,
                     const SparsityParams &p, std::vector<uint8_t> &mask,
                     std::vector<uint8_t> &values, const ParallelFor &pf) {
  SparsityPlan plan;
  QuantResult r = planSparsity(src, st, l, p, pf, plan);
  if (r.status != Status::Ok)
    return r;
  const SparsitySizes z = sparsitySizes(plan);
  mask.assign(z.maskBytes, 0);
  values.assign(z.valueBytes, 0);
  return {writeSparsity(plan, {mask.data(), values.data()}, pf), -1};
}

Status decodeSparse(int64_t numElements, SrcType st, const void *mask,
                    const void *values, int64_t numValues, void *out) {
  if (numElements < 0 || numValues < 0 || !mask || !out ||
      (numValues > 0 && !values))
    return Status::InvalidArgument;
  const int esz = srcElemSize(st);
  const uint8_t *m = (const uint8_t *)mask, *v = (const uint8_t *)values;
  uint8_t *o = (uint8_t *)out;
  int64_t next = 0;
  for (int64_t i = 0; i < numElements; ++i) {
    if (unpackCode(m, i, 1)) {
      if (next == numValues)
        return Status::InvalidArgument;
      std::memcpy(o + esz * i, v + esz * next++, (size_t)esz);
    } else {
      std::memset(o + esz * i, 0, (size_t)esz);
    }
  }
  return next == numValues ? Status::Ok : Status::InvalidArgument;
}

//===----------------------------------------------------------------------===//
// Joint modes
//===----------------------------------------------------------------------===//

bool isSparseValueQType(QType t) {
  return t == QType::SI8 || t == QType::UI8 || t == QType::F8E4M3FN ||
         t == QType::F8E5M2;
}

QuantParams sparseValueQuantParams(QType t, SrcType st) {
  const ScaleType sc = st == SrcType::F16    ? ScaleType::F16
                       : st == SrcType::BF16 ? ScaleType::BF16
                                             : ScaleType::F32;
  return {t, Scheme::Symmetric, sc};
}

uint8_t sparseValueZeroPointCode(QType t) {
  return splatZeroPointCode(sparseValueQuantParams(t, SrcType::F32));
}

QuantResult quantizeSparseValues(const void *values, SrcType st,
                                 int64_t numValues, QType qtype,
                                 void *codesOut, void *scaleOut,
                                 const ParallelFor &pf) {
  if (numValues < 1 || !isSparseValueQType(qtype))
    return {Status::InvalidArgument, -1};
  const BlockLayout layout{{numValues}, {numValues}};
  return quantize(values, st, layout, sparseValueQuantParams(qtype, st),
                  codesOut, scaleOut, nullptr, pf);
}

PaletteLayout sparseValuePaletteLayout(int64_t numValues) {
  PaletteLayout l;
  l.shape = {numValues};
  l.axis = 0;
  l.numGroups = 1;
  l.clusterDim = 1;
  return l;
}

PaletteParams sparseValuePaletteParams(int nBits) {
  PaletteParams p;
  p.nBits = nBits;
  return p;
}

QuantResult palettizeSparseValues(const void *values, SrcType st,
                                  int64_t numValues, int nBits,
                                  const PaletteOutputs &outputs,
                                  const ParallelFor &pf,
                                  PaletteDiagnostics *diagnostics) {
  const PaletteParams p = sparseValuePaletteParams(nBits);
  if (numValues < 1 || !p.isValid())
    return {Status::InvalidArgument, -1};
  return palettize(values, st, sparseValuePaletteLayout(numValues), p, outputs,
                   pf, diagnostics);
}

} // namespace kernels
} // namespace coreai

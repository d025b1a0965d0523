//===- Quantize.cpp - Scheduling the quantization of a tensor -------------===//
//
// The tensor is a RowPlan (QuantizePlan.h). Work is cut into units that each
// own whole blocks; when a unit's input fits in cache, statistics,
// parameters and quantize+pack run fused on it, otherwise the three steps
// run as separate parallel passes. Each block is computed by exactly one
// worker, and min/max reductions are exact, so results never depend on the
// split. The strategies, tried in order:
//
//   single-pass kernels (symmetric 8/4-bit, SIMD paths):
//     contiguousBlocksFused   one row of blocks of a multiple of 32 elements
//     tallColumnsFused        one-element blocks of many rows (a matmul's y
//                             operand per channel): three whole-row sweeps
//     columnChunksFused       one-element blocks of a few rows
//   per unit, statistics then parameters then quantize:
//     unitsOfGroups           one row: runs of >= 8 blocks
//     unitsOfBlockRows        runs of whole block rows
//     unitsOfColumnChunks     a block row x a run of >= 8 blocks
//   twoPasses                 statistics of every block, then parameters,
//                             then quantize over flat ranges
//
//===----------------------------------------------------------------------===//
#include "DigestInternal.h"
#include "KernelsInternal.h"
#include "QuantizeParams.h"
#include "QuantizePlan.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

namespace {

constexpr int64_t kUnitBytes = 128 * 1024; // input bytes per fused unit
constexpr int64_t kMaxFused = 384 * 1024;  // largest fused unit (stays in L2)
constexpr int64_t kStage = 4096;           // codes staged before packing
constexpr int64_t kPassElems = 64 * 1024;  // elements per task, two passes

const KernelTable *kernelsFor(Isa isa) {
  switch (isa) {
  case Isa::AVX2: return avx2Kernels();
  case Isa::AVX512: return avx512Kernels();
  default: return genericKernels();
  }
}

/// Per-unit scratch: the statistics and parameters of a unit's blocks.
struct UnitScratch {
  std::vector<uint32_t> amax;
  std::vector<float> mn, mx, scale, zp;
  StatsPtrs reset(int64_t n, bool asymmetric) {
    amax.assign(n, 0u);
    if (asymmetric) {
      mn.assign(n, 0.f);
      mx.assign(n, 0.f);
    }
    scale.resize(n);
    zp.resize(n);
    return {amax.data(), asymmetric ? mn.data() : nullptr,
            asymmetric ? mx.data() : nullptr};
  }
};

class Scheduler {
public:
  Scheduler(const void *src, SrcType st, const KernelTable *kt,
            const BlockLayout &layout, const ParamContext &pc, uint8_t *data,
            ChunkDigester *dataDigest, ChunkDigester *scaleDigest)
      : src(src), st(st), elemSize(srcElemSize(st)), kt(kt), plan(layout),
        pc(pc), data(data), dataDigest(dataDigest), scaleDigest(scaleDigest) {}

  /// Quantizes the whole tensor; returns the kBad* flags of a failure.
  int run(const ParallelFor &pf) {
    if (!runFused(pf))
      runStaged(pf);
    return bad.load();
  }

  const RowPlan &rowPlan() const { return plan; }

private:
  const void *src;
  SrcType st;
  int elemSize;
  const KernelTable *kt;
  RowPlan plan;
  const ParamContext &pc;
  uint8_t *data;
  ChunkDigester *dataDigest, *scaleDigest; // null when digests are not wanted
  std::atomic<int> bad{0};

  bool failed() const { return bad.load(std::memory_order_relaxed) != 0; }

  //===--------------------------------------------------------------------===//
  // Single-pass kernels
  //===--------------------------------------------------------------------===//

  bool runFused(const ParallelFor &pf) {
    if (pc.asymmetric || (pc.kind.bits != 8 && pc.kind.bits != 4))
      return false;
    const FusedArgs args = pc.fusedArgs(data);
    const RowPlan &P = plan;
    // (A block bigger than L2 keeps the parallel two-pass path.)
    if (kt->fusedGroups && P.numOuterDims() == 0 && P.blockLen % 32 == 0 &&
        P.blockLen * elemSize <= kMaxFused) {
      contiguousBlocksFused(pf, args);
      return true;
    }
    if (!kt->fusedColumns || P.numOuterDims() != 1 || P.blockLen != 1 ||
        (P.rowLen * pc.kind.bits) % 8 != 0)
      return false;
    if (P.rowsPerBlock * 256 * elemSize > kMaxFused)
      tallColumnsFused(pf, args);
    else
      columnChunksFused(pf, args);
    return true;
  }

  /// Blocks [g0, g1) of a single-row plan (g0 * blockLen * bits byte
  /// aligned) are written: their data and scale bytes are final.
  void groupsDone(int64_t g0, int64_t g1) {
    if (!dataDigest)
      return;
    const int64_t bitsPerBlock = plan.blockLen * pc.kind.bits;
    const size_t scaleSize = scaleBytes(pc.params.scaleType, 1);
    dataDigest->done((size_t)(g0 * bitsPerBlock / 8),
                     g1 == plan.blocksPerRow
                         ? packedDataBytes(pc.params.qtype, plan.numElements)
                         : (size_t)(g1 * bitsPerBlock / 8));
    scaleDigest->done((size_t)g0 * scaleSize, (size_t)g1 * scaleSize);
  }

  /// Contiguous blocks of a multiple of 32 elements (per channel, or per
  /// block along the last axis): units of ~kUnitBytes of whole blocks, a
  /// multiple of the kernel's batch of 8 small blocks.
  void contiguousBlocksFused(const ParallelFor &pf, const FusedArgs &args) {
    const RowPlan &P = plan;
    const int64_t groupsPerUnit = std::max<int64_t>(
        8, kUnitBytes / (P.blockLen * elemSize) / 8 * 8);
    const int64_t units = (P.blocksPerRow + groupsPerUnit - 1) / groupsPerUnit;
    runParallel(pf, units, [&](size_t b, size_t e) {
      for (size_t u = b; u < e; ++u) {
        if (failed())
          return;
        const int64_t g0 = u * groupsPerUnit;
        const int64_t n = std::min<int64_t>(P.blocksPerRow - g0, groupsPerUnit);
        if (kt->fusedGroups(src, st, g0, n, P.blockLen, args))
          bad.fetch_or(kBadOverflow);
        else
          groupsDone(g0, g0 + n);
      }
    });
  }

  /// Tall one-element blocks (e.g. per channel of a matmul's y operand):
  /// whole rows in three sweeps: column maxima of bands of rows (partial per
  /// band), parameters, then quantize row by row.
  void tallColumnsFused(const ParallelFor &pf, const FusedArgs &args) {
    const RowPlan &P = plan;
    const int64_t numBlocks = P.numBlocks();
    const int64_t bandsPerBlockRow =
        std::min<int64_t>(P.rowsPerBlock, (16 + P.numBlockRows - 1) / P.numBlockRows);
    const int64_t rowsPerBand =
        (P.rowsPerBlock + bandsPerBlockRow - 1) / bandsPerBlockRow;
    std::vector<uint32_t> bandMax(P.numBlockRows * bandsPerBlockRow * P.rowLen,
                                  0u);
    runParallel(pf, P.numBlockRows * bandsPerBlockRow, [&](size_t b, size_t e) {
      for (size_t u = b; u < e; ++u) {
        const int64_t br = u / bandsPerBlockRow;
        const int64_t t0 = (u % bandsPerBlockRow) * rowsPerBand;
        StatsPtrs s{bandMax.data() + u * P.rowLen, nullptr, nullptr};
        for (int64_t t = t0; t < std::min(P.rowsPerBlock, t0 + rowsPerBand); ++t)
          kt->statsColumns(src, st, (br * P.rowsPerBlock + t) * P.rowLen,
                           P.rowLen, s);
      }
    });
    std::vector<uint32_t> amax(numBlocks, 0u);
    for (int64_t br = 0; br < P.numBlockRows; ++br)
      for (int64_t j = 0; j < bandsPerBlockRow; ++j) {
        const uint32_t *p =
            bandMax.data() + (br * bandsPerBlockRow + j) * P.rowLen;
        uint32_t *d = amax.data() + br * P.rowLen;
        for (int64_t c = 0; c < P.rowLen; ++c)
          d[c] = std::max(d[c], p[c]);
      }
    std::vector<float> q(numBlocks);
    const int64_t blocksPerTask = 8192; // a multiple of 8
    runChunks(pf, numBlocks, blocksPerTask, [&](int64_t b0, int64_t n) {
      if (kt->fusedParams(amax.data() + b0, n, b0, q.data() + b0, args))
        bad.fetch_or(kBadOverflow);
    });
    if (bad.load())
      return;
    const int64_t rowsPerTask =
        std::max<int64_t>(1, kUnitBytes / (P.rowLen * elemSize));
    runParallel(pf, (P.numRows + rowsPerTask - 1) / rowsPerTask,
                [&](size_t b, size_t e) {
                  const int64_t end =
                      std::min<int64_t>(P.numRows, e * rowsPerTask);
                  for (int64_t r = b * rowsPerTask; r < end; ++r)
                    kt->fusedQuantize(
                        src, st, r * P.rowLen, P.rowLen,
                        q.data() + (r / P.rowsPerBlock) * P.rowLen, args);
                });
  }

  /// One-element blocks of a few rows. Units: one block row x a run of
  /// columns (a multiple of 32) of about kUnitBytes, so the second sweep
  /// reads from L2; at least kMinCols columns, so tall blocks still read
  /// rows in long runs (prefetch, TLB) rather than 4096 rows x 128 bytes.
  void columnChunksFused(const ParallelFor &pf, const FusedArgs &args) {
    const RowPlan &P = plan;
    constexpr int64_t kMinCols = 256;
    const int64_t unitCols = std::min<int64_t>(
        (P.rowLen + 31) / 32 * 32,
        std::max<int64_t>(kMinCols,
                          kUnitBytes / (P.rowsPerBlock * elemSize) / 32 * 32));
    const int64_t unitsPerBlockRow = (P.rowLen + unitCols - 1) / unitCols;
    runParallel(pf, P.numBlockRows * unitsPerBlockRow, [&](size_t b, size_t e) {
      for (size_t u = b; u < e; ++u) {
        if (failed())
          return;
        const int64_t br = u / unitsPerBlockRow;
        const int64_t c0 = (u % unitsPerBlockRow) * unitCols;
        if (kt->fusedColumns(src, st, P.rowLen, P.rowsPerBlock, br, c0,
                             std::min<int64_t>(P.rowLen - c0, unitCols), args))
          bad.fetch_or(kBadOverflow);
      }
    });
  }

  //===--------------------------------------------------------------------===//
  // Statistics, parameters, then quantize
  //===--------------------------------------------------------------------===//

  void runStaged(const ParallelFor &pf) {
    const RowPlan &P = plan;
    const bool rowAligned =
        P.numOuterDims() == 0 || (P.rowLen * pc.kind.bits) % 8 == 0;
    const int64_t blockRowBytes = P.rowsPerBlock * P.rowLen * elemSize;
    if (P.numOuterDims() == 0 && 8 * P.blockLen * elemSize <= kMaxFused)
      unitsOfGroups(pf);
    else if (P.numOuterDims() >= 1 && blockRowBytes <= kMaxFused &&
             (P.numOuterDims() == 1 || rowAligned))
      unitsOfBlockRows(pf, rowAligned);
    else if (P.numOuterDims() >= 1 && rowAligned &&
             P.rowsPerBlock * 8 * P.blockLen * elemSize <= kMaxFused)
      unitsOfColumnChunks(pf);
    else
      twoPasses(pf);
  }

  /// Quantize + pack elements [off, off+n) (in one row); element i is in
  /// block (phase+i)/blockLen of scale/zp. Sequential calls may share bytes.
  void emit(int64_t off, int64_t n, int64_t phase, const float *scale,
            const float *zp) {
    const int64_t R = plan.blockLen;
    if (pc.kind.bits == 8) {
      kt->quantizeSegment(src, st, off, n, R, phase, scale, zp, pc.kind,
                          data + off);
      return;
    }
    uint8_t stage[kStage];
    for (int64_t j = 0; j < n; j += kStage) {
      const int64_t len = n - j < kStage ? n - j : kStage;
      const int64_t p = phase + j;
      kt->quantizeSegment(src, st, off + j, len, R, p % R, scale + p / R,
                          zp + p / R, pc.kind, stage);
      packCodes(stage, off + j, len, pc.kind.bits, data);
    }
  }

  /// Folds the nGroups blocks of one row starting at element off into s.
  void foldRow(int64_t off, int64_t nGroups, StatsPtrs s) {
    if (plan.blockLen == 1)
      kt->statsColumns(src, st, off, nGroups, s);
    else
      kt->statsGroups(src, st, off, plan.blockLen, nGroups, s);
  }

  /// One unit: block rows [br0, br1), blocks [g0, g1) of each.
  void unit(int64_t br0, int64_t br1, int64_t g0, int64_t g1,
            UnitScratch &scratch) {
    const RowPlan &P = plan;
    const int64_t nGroups = g1 - g0;
    for (int64_t br = br0; br < br1; ++br) {
      if (failed())
        return;
      StatsPtrs s = scratch.reset(nGroups, pc.asymmetric);
      for (int64_t t = 0; t < P.rowsPerBlock; ++t)
        foldRow(P.rowOf(br, t) * P.rowLen + g0 * P.blockLen, nGroups, s);
      if (int b = computeParams(pc, s, nGroups, br * P.blocksPerRow + g0,
                                scratch.scale.data(), scratch.zp.data())) {
        bad.fetch_or(b);
        return;
      }
      for (int64_t t = 0; t < P.rowsPerBlock; ++t)
        emit(P.rowOf(br, t) * P.rowLen + g0 * P.blockLen, nGroups * P.blockLen,
             0, scratch.scale.data(), scratch.zp.data());
    }
  }

  /// One row: units are runs of >= 8 blocks (byte aligned).
  void unitsOfGroups(const ParallelFor &pf) {
    const RowPlan &P = plan;
    const int64_t groupsPerUnit = std::max<int64_t>(
        8, (kUnitBytes / (P.blockLen * elemSize)) / 8 * 8);
    const int64_t units = (P.blocksPerRow + groupsPerUnit - 1) / groupsPerUnit;
    runParallel(pf, units, [&](size_t b, size_t e) {
      UnitScratch scratch;
      for (size_t u = b; u < e; ++u) {
        const int64_t g0 = u * groupsPerUnit;
        const int64_t g1 = std::min<int64_t>(P.blocksPerRow, g0 + groupsPerUnit);
        unit(0, 1, g0, g1, scratch);
        groupsDone(g0, g1);
      }
    });
  }

  /// Whole block rows; unless rows are byte aligned a unit starts on a byte
  /// boundary (8 block rows).
  void unitsOfBlockRows(const ParallelFor &pf, bool rowAligned) {
    const RowPlan &P = plan;
    const int64_t blockRowBytes = P.rowsPerBlock * P.rowLen * elemSize;
    int64_t blockRowsPerUnit = std::max<int64_t>(1, kUnitBytes / blockRowBytes);
    if (!rowAligned)
      blockRowsPerUnit = (blockRowsPerUnit + 7) / 8 * 8;
    const int64_t units =
        (P.numBlockRows + blockRowsPerUnit - 1) / blockRowsPerUnit;
    runParallel(pf, units, [&](size_t b, size_t e) {
      UnitScratch scratch;
      for (size_t u = b; u < e; ++u)
        unit(u * blockRowsPerUnit,
             std::min<int64_t>(P.numBlockRows, (u + 1) * blockRowsPerUnit), 0,
             P.blocksPerRow, scratch);
    });
  }

  /// Runs of >= 8 blocks over all the rows of a block row: each row segment
  /// starts on a byte boundary.
  void unitsOfColumnChunks(const ParallelFor &pf) {
    const RowPlan &P = plan;
    const int64_t groupsPerUnit = std::max<int64_t>(
        8, (kUnitBytes / (P.rowsPerBlock * P.blockLen * elemSize)) / 8 * 8);
    const int64_t unitsPerBlockRow =
        (P.blocksPerRow + groupsPerUnit - 1) / groupsPerUnit;
    runParallel(pf, P.numBlockRows * unitsPerBlockRow, [&](size_t b, size_t e) {
      UnitScratch scratch;
      for (size_t u = b; u < e; ++u) {
        const int64_t br = u / unitsPerBlockRow, c = u % unitsPerBlockRow;
        unit(br, br + 1, c * groupsPerUnit,
             std::min<int64_t>(P.blocksPerRow, (c + 1) * groupsPerUnit),
             scratch);
      }
    });
  }

  /// Statistics of every block, then parameters, then quantize over
  /// byte-aligned flat ranges.
  void twoPasses(const ParallelFor &pf) {
    const RowPlan &P = plan;
    const int64_t numBlocks = P.numBlocks();
    const bool asym = pc.asymmetric;
    std::vector<uint32_t> amax(numBlocks, 0u);
    std::vector<float> mn(asym ? numBlocks : 0, 0.f), mx(mn);
    auto statsAt = [asym](std::vector<uint32_t> &a, std::vector<float> &lo,
                          std::vector<float> &hi, int64_t i) -> StatsPtrs {
      return {a.data() + i, asym ? lo.data() + i : nullptr,
              asym ? hi.data() + i : nullptr};
    };
    if (P.numOuterDims() == 0) {
      // Big contiguous blocks: partial stats per piece, then combine.
      const int64_t pieces = (P.blockLen + kPassElems - 1) / kPassElems;
      const int64_t numPieces = P.blocksPerRow * pieces;
      std::vector<uint32_t> pieceMax(numPieces, 0u);
      std::vector<float> pieceMn(asym ? numPieces : 0, 0.f), pieceMx(pieceMn);
      runParallel(pf, numPieces, [&](size_t b, size_t e) {
        for (size_t t = b; t < e; ++t) {
          const int64_t g = t / pieces, p = t % pieces;
          const int64_t len =
              std::min<int64_t>(kPassElems, P.blockLen - p * kPassElems);
          kt->statsGroups(src, st, g * P.blockLen + p * kPassElems, len, 1,
                          statsAt(pieceMax, pieceMn, pieceMx, t));
        }
      });
      for (int64_t g = 0; g < P.blocksPerRow; ++g)
        for (int64_t p = 0; p < pieces; ++p) {
          const int64_t t = g * pieces + p;
          amax[g] = std::max(amax[g], pieceMax[t]);
          if (asym) {
            mn[g] = std::min(mn[g], pieceMn[t]);
            mx[g] = std::max(mx[g], pieceMx[t]);
          }
        }
    } else {
      // Tasks own (block row, run of blocks): no partial results needed.
      const int64_t groupsPerTask =
          std::max<int64_t>(1, kPassElems / (P.rowsPerBlock * P.blockLen));
      const int64_t tasksPerBlockRow =
          (P.blocksPerRow + groupsPerTask - 1) / groupsPerTask;
      runParallel(pf, P.numBlockRows * tasksPerBlockRow, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          const int64_t br = u / tasksPerBlockRow, c = u % tasksPerBlockRow;
          const int64_t g0 = c * groupsPerTask;
          const int64_t g1 = std::min<int64_t>(P.blocksPerRow, g0 + groupsPerTask);
          StatsPtrs s = statsAt(amax, mn, mx, br * P.blocksPerRow + g0);
          for (int64_t t = 0; t < P.rowsPerBlock; ++t)
            foldRow(P.rowOf(br, t) * P.rowLen + g0 * P.blockLen, g1 - g0, s);
        }
      });
    }
    std::vector<float> scale(numBlocks), zp(numBlocks);
    const int64_t blocksPerTask = 4096;
    runChunks(pf, numBlocks, blocksPerTask, [&](int64_t b0, int64_t n) {
      if (int r = computeParams(pc, statsAt(amax, mn, mx, b0), n, b0,
                                scale.data() + b0, zp.data() + b0))
        bad.fetch_or(r);
    });
    if (bad.load())
      return;
    runChunks(pf, P.numElements, kPassElems, [&](int64_t first, int64_t n) {
      emitRange(first, first + n, scale.data(), zp.data());
    });
  }

  /// Quantize + pack the flat element range [a, end), row by row, with the
  /// parameters of every block (scale[0..numBlocks), zp[0..numBlocks)).
  void emitRange(int64_t a, int64_t end, const float *scale, const float *zp) {
    const RowPlan &P = plan;
    int64_t r = a / P.rowLen, c = a % P.rowLen;
    while (a < end) {
      const int64_t seg = std::min(P.rowLen - c, end - a);
      const int64_t base = P.blockRowOf(r) * P.blocksPerRow + c / P.blockLen;
      emit(a, seg, c % P.blockLen, scale + base, zp + base);
      a += seg;
      ++r;
      c = 0;
    }
  }
};

} // namespace

QuantResult quantizeWithIsa(Isa isa, const void *src, SrcType st,
                            const BlockLayout &layout, const QuantParams &p,
                            void *dataOut, void *scaleOut, void *zeroPointOut,
                            const ParallelFor &parallelFor,
                            OutputDigests *digests) {
  // Digesters of the two outputs (once the layout is known to be valid).
  std::unique_ptr<ChunkDigester> dataDigest, scaleDigest;
  auto makeDigesters = [&] {
    if (!digests)
      return;
    ChunkHashFn hash = chunkHashForIsa(isa);
    dataDigest = std::make_unique<ChunkDigester>(
        (const uint8_t *)dataOut,
        packedDataBytes(p.qtype, layout.numElements()), hash);
    scaleDigest = std::make_unique<ChunkDigester>(
        (const uint8_t *)scaleOut, scaleBytes(p.scaleType, layout.numBlocks()),
        hash);
  };
  auto finishDigests = [&] {
    if (!digests)
      return;
    digests->data = dataDigest->finish(parallelFor);
    digests->scale = scaleDigest->finish(parallelFor);
  };

  if (isa == Isa::Scalar) {
    QuantResult r = quantizeReference(src, st, layout, p, dataOut, scaleOut,
                                      zeroPointOut);
    if (r.status == Status::Ok) {
      makeDigesters();
      finishDigests();
    }
    return r;
  }
  if (!layout.isValid() || !isValidParams(p) || !src || !dataOut ||
      !scaleOut || !isIsaAvailable(isa))
    return {Status::InvalidArgument, -1};

  const bool asymmetric = p.scheme == Scheme::Asymmetric;
  const int64_t numBlocks = layout.numBlocks();
  std::vector<uint8_t> zpCodes(asymmetric ? numBlocks : 0);
  const ParamContext pc(p, scaleOut, zpCodes.data());
  makeDigesters();
  Scheduler scheduler(src, st, kernelsFor(isa), layout, pc, (uint8_t *)dataOut,
                      dataDigest.get(), scaleDigest.get());
  if (scheduler.run(parallelFor)) {
    // A NaN/Inf anywhere wins (as in the reference), whichever unit failed
    // first and whatever the others skipped.
    const int64_t n = scheduler.rowPlan().numElements;
    for (int64_t i = 0; i < n; ++i)
      if ((f2u(loadSrc(src, st, i)) & 0x7f800000u) == 0x7f800000u)
        return {Status::NonFinite, i};
    return {Status::Overflow, -1};
  }
  if (zeroPointOut) {
    const int bits = pc.kind.bits;
    if (asymmetric)
      packCodes(zpCodes.data(), 0, numBlocks, bits, (uint8_t *)zeroPointOut);
    else
      fillPacked((uint8_t *)zeroPointOut, numBlocks, splatZeroPointCode(p),
                 bits);
  }
  finishDigests();
  return {Status::Ok, -1};
}

QuantResult quantize(const void *src, SrcType st, const BlockLayout &layout,
                     const QuantParams &p, void *dataOut, void *scaleOut,
                     void *zeroPointOut, const ParallelFor &parallelFor,
                     OutputDigests *digests) {
  return quantizeWithIsa(activeIsa(), src, st, layout, p, dataOut, scaleOut,
                         zeroPointOut, parallelFor, digests);
}

} // namespace kernels
} // namespace coreai

//===- Sparsify.h - MLIR-free weight sparsification kernels ---------------===//
//
// Math contract: docs/spec/SPARSIFY_WEIGHTS.md (§3 which elements are
// pruned, §4 what is stored, §5 the joint modes). Shared with quantization
// and palettization: the weight element types (SrcType), the statuses,
// ParallelFor, quantize() (joint INT8 / UINT8 / FP8) and palettize() (joint
// palettization); the mask is a ui1 blob in Packing.h's LSB-first layout.
//
// What is pruned, for a weight W of N elements (row-major) and sparsity s:
//
//   Unstructured: k = floor(N*s) (IEEE double) elements with the smallest
//     |w|; among equal |w| the lower flat index goes first (a stable sort
//     of |w|). Zeros and -0 have |w| = 0, so they go first.
//   Block (block size bs along the output axis a, C = shape[a]): block j
//     of a fibre along a is [j*bs, min((j+1)*bs, C)) (the last one partial
//     when bs does not divide C); B = ceil(C/bs) * N / C blocks. A block's
//     score is its sum of squares in f64, added in ascending index along a.
//     The floor(B*s) blocks with the smallest score are pruned whole; among
//     equal scores the lower index in the row-major block grid (the shape
//     with C replaced by ceil(C/bs)) goes first.
//   n:m (along the input axis b, C = shape[b]): a group is m consecutive
//     indices along b (the others fixed); a full group prunes its n smallest
//     |w|, the tail group of r = C mod m elements prunes max(0, n - (m - r)).
//     Among equal |w| the lower index along b goes first.
//
// What is stored (§4): the mask bit of element k is 1 when it is kept and
// nonzero (an element that was already 0 or -0 has bit 0 even when kept);
// the values are the elements with bit 1, in row-major order, in the
// weight's type. numNonZero = the number of 1 bits = the number of values.
//
// The work runs in two calls, because the size of the values depends on the
// data: planSparsity() selects what is pruned and counts the kept nonzero
// elements; the caller allocates the buffers sparsitySizes() gives, and
// writeSparsity() writes the mask and the values in one pass over the
// weight. sparsify() does both into vectors.
//
// Everything is deterministic: the outputs are the same bytes whatever the
// ParallelFor (thread count, chunking) and whatever the ISA.
//
// The joint modes (§5 B, C, D) compress the kept values, a 1-D tensor of
// numNonZero elements, with the existing kernels:
//   B/C. quantizeSparseValues(): one symmetric per-tensor block through
//        quantize() (INT8 / UINT8 / FP8_E4M3FN / FP8_E5M2), the scale stored
//        in the weight's type. The IR decodes UINT8 before sparsifying (C).
//   D.   palettizeSparseValues(): palettize() on the values as one group
//        (optimal 1-D k-means, LUT in the weight's type, shape 1 x 2^n x 1).
// The selection is the same in every mode: it is made on the weight itself.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_SPARSIFY_H
#define COREAI_KERNELS_SPARSIFY_H

#include "coreai/Kernels/Palettize.h"
#include "coreai/Kernels/Quantize.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace coreai {
namespace kernels {

/// The weight's shape and the two axes the structured modes run along.
struct SparsityLayout {
  /// Row-major; rank 0 is one element.
  std::vector<int64_t> shape;
  /// `a`: the axis blocks run along (block sparsity), in [0, rank).
  int outputAxis = 0;
  /// `b`: the axis n:m groups run along, in [0, rank).
  int inputAxis = 1;

  int rank() const { return (int)shape.size(); }
  int64_t numElements() const;
};

enum class SparsityMode { Unstructured, Block, NM };

struct SparsityParams {
  SparsityMode mode = SparsityMode::Unstructured;
  /// s in [0, 1] (Unstructured, Block).
  double targetSparsity = 0.5;
  /// bs >= 2 (Block).
  int64_t blockSize = 0;
  /// 0 <= n <= m, m >= 1 (NM).
  int64_t n = 0, m = 0;

  static SparsityParams unstructured(double s) {
    return {SparsityMode::Unstructured, s, 0, 0, 0};
  }
  static SparsityParams block(int64_t bs, double s) {
    return {SparsityMode::Block, s, bs, 0, 0};
  }
  static SparsityParams nm(int64_t n, int64_t m) {
    return {SparsityMode::NM, 0.0, 0, n, m};
  }
  bool isValid() const;
};

/// Positive dims (rank <= 64); for Block the output axis and for NM the
/// input axis in [0, rank) (so rank >= 1); valid params.
bool isValidSparsity(const SparsityLayout &, const SparsityParams &);

/// The spec's skips that are not errors of the kernel (the pass warns and
/// leaves the weight alone; sparsify() itself computes all of them).
enum class SparsityApplicability {
  Ok,
  Rank1,         ///< Block or n:m on a weight of rank < 2.
  BlockTooLarge, ///< bs > C_a / 2.
  MTooLarge      ///< m > C_b / 2.
};
SparsityApplicability sparsityApplicability(const SparsityLayout &,
                                            const SparsityParams &);

/// Units the target counts: Unstructured: N elements, k = floor(N*s) of
/// them pruned; Block: B blocks, floor(B*s) pruned; NM: the number of groups
/// and the number of elements pruned by the group rule (before zeros).
struct SparsityTarget {
  int64_t units = 0, prunedUnits = 0;
};
SparsityTarget sparsityTarget(const SparsityLayout &, const SparsityParams &);

struct SparsityPlanState;

/// What planSparsity() selected, for writeSparsity(). It refers to the
/// weight it was made from: that memory must stay alive and unchanged until
/// the last writeSparsity() on the plan.
class SparsityPlan {
public:
  SparsityPlan();
  ~SparsityPlan();
  SparsityPlan(SparsityPlan &&) noexcept;
  SparsityPlan &operator=(SparsityPlan &&) noexcept;

  /// False until a planSparsity() returned Ok.
  bool isReady() const;
  int64_t numElements() const;
  /// Kept nonzero elements: the mask's 1 bits and the values' length.
  int64_t numNonZero() const;
  SrcType srcType() const;

private:
  friend struct SparsityPlanAccess;
  std::unique_ptr<SparsityPlanState> state;
};

/// Selects the pruned elements of `src` (numElements() values of type `st`,
/// little-endian). Statuses: NonFinite (with the flat index of the first
/// NaN/Inf) when the weight holds one; InvalidArgument for an invalid layout
/// or params or a null pointer. On Ok, `plan` is ready.
QuantResult planSparsity(const void *src, SrcType st, const SparsityLayout &,
                         const SparsityParams &, const ParallelFor &parallelFor,
                         SparsityPlan &plan);

/// Output sizes of a ready plan. Every buffer writeSparsity() writes is
/// exactly this big.
struct SparsitySizes {
  /// ceil(N / 8): the ui1 mask, an LSB-first bit stream over the row-major
  /// elements (bit k = element k), padding bits zero.
  size_t maskBytes = 0;
  /// numNonZero values of the weight's type (2 or 4 bytes each).
  int64_t numValues = 0;
  size_t valueBytes = 0;
  /// The mask is all 1 (numNonZero == N) or all 0 (numNonZero == 0): it
  /// can be printed as a splat.
  bool maskAllTrue = false, maskAllFalse = false;
};
SparsitySizes sparsitySizes(const SparsityPlan &);

struct SparsityOutputs {
  void *mask = nullptr;   ///< maskBytes
  void *values = nullptr; ///< valueBytes; may be null when it is 0
};

/// Writes the mask and the values of a ready plan, in one pass over the
/// weight. InvalidArgument for a plan that is not ready or a null buffer.
Status writeSparsity(const SparsityPlan &, const SparsityOutputs &,
                     const ParallelFor &parallelFor);

/// planSparsity() then writeSparsity() into vectors sized by
/// sparsitySizes(). On a status other than Ok the vectors are unspecified.
QuantResult sparsify(const void *src, SrcType st, const SparsityLayout &,
                     const SparsityParams &, std::vector<uint8_t> &mask,
                     std::vector<uint8_t> &values,
                     const ParallelFor &parallelFor);

/// Densifies (mask, values) into numElements values of type `st` (+0 where
/// the bit is 0), as sparse_with_bitmask_to_dense does. InvalidArgument
/// when the mask holds more than numValues 1 bits or fewer.
Status decodeSparse(int64_t numElements, SrcType st, const void *mask,
                    const void *values, int64_t numValues, void *out);

//===----------------------------------------------------------------------===//
// Joint modes: compressing the kept values (spec §5 B, C, D).
//===----------------------------------------------------------------------===//

/// SI8, UI8, F8E4M3FN, F8E5M2.
bool isSparseValueQType(QType);

/// The quantize() parameters of the kept values: symmetric, the scale in
/// the weight's type (f32 / f16 / bf16).
QuantParams sparseValueQuantParams(QType, SrcType);

/// The splat zero point of the quantized values, as a code of the type:
/// 127 for UI8, 0 otherwise (dense<0.0> for FP8).
uint8_t sparseValueZeroPointCode(QType);

/// Quantizes the `numValues` kept values (type `st`) as one symmetric block
/// with quantize()'s rules: f32 arithmetic, eps 1e-6, the scale rounded to
/// the weight's type first (raised to its smallest normal), round half to
/// even and clip (INT8 [-127, 127]; UINT8 [0, 254] around 127; FP8 with
/// fmax 448 / 57344 and an RNE cast). codesOut: numValues bytes (si8 two's
/// complement, ui8, f8 codes); scaleOut: one element of the weight's type.
/// A value whose code is 0 keeps its mask bit. InvalidArgument when
/// numValues is 0 (the pass falls back to plain sparsity) or the type is
/// not one of isSparseValueQType(); Overflow as quantize().
QuantResult quantizeSparseValues(const void *values, SrcType st,
                                 int64_t numValues, QType qtype,
                                 void *codesOut, void *scaleOut,
                                 const ParallelFor &parallelFor);

/// The palettize() layout and parameters of the kept values: shape
/// {numValues}, axis 0, one group, cluster dim 1, the LUT in the weight's
/// type. paletteSizes() of them gives the buffers (indices
/// ceil(numValues * nBits / 8) bytes, LUT shape {1, 2^nBits, 1}).
PaletteLayout sparseValuePaletteLayout(int64_t numValues);
PaletteParams sparseValuePaletteParams(int nBits);

/// palettize() of the `numValues` kept values with the layout and params
/// above (nBits in {1, 2, 3, 4, 6, 8}). InvalidArgument when numValues is 0
/// (the pass falls back to plain sparsity) or nBits is not allowed.
QuantResult palettizeSparseValues(const void *values, SrcType st,
                                  int64_t numValues, int nBits,
                                  const PaletteOutputs &outputs,
                                  const ParallelFor &parallelFor,
                                  PaletteDiagnostics *diagnostics = nullptr);

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_SPARSIFY_H

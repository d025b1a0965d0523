//===- Palettize.h - MLIR-free weight palettization kernels ---------------===//
//
// Math contract: docs/spec/PALETTIZE_WEIGHTS.md (§3 groups and vectors, §4
// per-channel scale, §5 clustering and indices, §6 LUT storage and LUT
// quantization, §7 blob layout). Shared with quantization (Quantize.h): the
// weight element types (SrcType), the quantized LUT types and their rules
// (QType, quantize()), the statuses, ParallelFor and the ISA selection; the
// blob layout of every packed type is Packing.h's.
//
// What palettize() computes, for a weight W of element type T (f32, f16 or
// bf16) and output axis `a` of size C:
//
//   1. Groups (§3): G groups along `a`; group g holds the channels
//      [g*C/G, (g+1)*C/G) and every position of the other axes. With
//      cluster dim cd > 1 a *vector* is cd consecutive elements along `a`
//      (all other indices fixed); the group's vectors are clustered together.
//   2. Per-channel scale (§4, optional, cd == 1 only): pcs[c] = max |w| over
//      channel c, 1 when 0, raised to T's smallest normal when subnormal
//      (already a T value). The clustered values are x = w / pcs[c] (f64
//      division); without pcs x = w.
//   3. Clustering (§5): cd == 1: an optimal weighted 1-D k-means (least
//      squared error) over the distinct values of the grid q(x) (x rounded
//      half-to-even to 11 significant bits, any exponent), weighted by their
//      counts, k = min(#distinct, 2^n). LUT entry j < k is the f64 mean of
//      the original x of cluster j, ascending; entries k..2^n-1 are 0.
//      cd > 1: k-means in f64 over the group's vectors (k-means++ seeding
//      from a fixed-seed PRNG, several starts, Lloyd until no assignment
//      changes or 300 iterations, the lowest-SSE start kept), k =
//      min(#vectors, 2^n); entries past k are 0. Beyond 2^17 vectors, each
//      start is seeded and refined by Lloyd on 2^17 of them evenly spread
//      before Lloyd on all; on 2^17 vectors and more, Lloyd stops once at
//      most one assignment in 1000 changes.
//   4. The stored LUT (§6): each entry rounded to T; or, with a LUT type
//      (INT8 / UINT8 / FP8_E4M3FN / FP8_E5M2), each group's 2^n*cd entries
//      quantized as one symmetric block with quantize()'s rules (f32
//      arithmetic, the scale stored in T and rounded first). With pcs the
//      stored scale is per channel: pcs (float LUT) or the fused
//      round_T(s_g * pcs[c]) (quantized LUT; subnormal values kept).
//   5. Indices (§5): each element (vector) gets the index whose *decoded*
//      value - exactly what Apple's runtime computes for lut_to_dense and,
//      when there is one, blockwise_shift_scale (see decodeScaled()) - is
//      nearest to the original weight (Euclidean for vectors, computed in
//      f64); ties go to the lowest index.
//   6. Packing (§7): indices as an LSB-first bit stream of n bits each
//      (Packing.h), in the row-major order of the index tensor.
//
// Everything is deterministic: the outputs are the same bytes whatever the
// ParallelFor (thread count, chunking) and whatever the ISA path.
//
// The IR the outputs go into (spec §7; T = weight type, Q = LUT type,
// shapes from PaletteLayout/PaletteParams):
//   A. float LUT:         lut_to_dense(indices, lut, axis)
//   B. quantized LUT:     blockwise_shift_scale(lut_to_dense(indices, codes,
//                         axis), scale[G along a], zero point splat, 0)
//   C. float LUT + pcs:   blockwise_shift_scale(lut_to_dense(...), pcs[C
//                         along a], 0.0, 0.0)
//   D. quantized + pcs:   B with the fused scale[C along a].
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_PALETTIZE_H
#define COREAI_KERNELS_PALETTIZE_H

#include "coreai/Kernels/Quantize.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace coreai {
namespace kernels {

/// How the weight is cut into groups and vectors. `shape` is row-major;
/// rank 0 is viewed as shape {1} with axis 0.
struct PaletteLayout {
  std::vector<int64_t> shape;
  /// The output axis `a`, in [0, rank) (non-negative, as lut_to_dense needs).
  int axis = 0;
  /// G, the number of LUTs along `axis`: 1 (per tensor), C (per channel) or
  /// C / group_size (per grouped channel). Must divide C.
  int64_t numGroups = 1;
  /// cd, the vector length along `axis`; must divide C / G.
  int64_t clusterDim = 1;

  int rank() const { return (int)shape.size(); }
  int64_t numElements() const;
  /// C = shape[axis] (1 for rank 0).
  int64_t channels() const;
  /// Channels per group, C / G.
  int64_t groupChannels() const { return channels() / numGroups; }
  /// Elements (vectors when cd > 1) of the index tensor: numElements() / cd.
  int64_t numIndices() const { return numElements() / clusterDim; }
  /// The index tensor's shape: `shape` with C / cd on `axis` (rank 0: {}).
  std::vector<int64_t> indexShape() const;
  /// Positive dims, axis in range, G divides C, cd divides C / G.
  bool isValid() const;
};

struct PaletteParams {
  /// 1, 2, 3, 4, 6 or 8: the LUT has 2^nBits entries per group, the indices
  /// are ui<nBits>.
  int nBits = 4;
  /// Empty: the LUT is stored in the weight's type. Otherwise the LUT type:
  /// QType::SI8, UI8, F8E4M3FN or F8E5M2 (symmetric, quantize()'s rules).
  std::optional<QType> lutType;
  /// Normalize each output channel by its max |w| first (cd == 1 only).
  bool perChannelScale = false;

  int numEntries() const { return 1 << nBits; }
  bool hasScale() const { return lutType.has_value() || perChannelScale; }
  bool isValid() const;
};

/// Output sizes and shapes. Every buffer palettize() writes is exactly this
/// big (no padding beyond the last partial byte of the indices).
struct PaletteSizes {
  /// Packed indices: ceil(numIndices * nBits / 8) bytes.
  size_t indexBytes = 0;
  /// LUT entries: G * 2^nBits * cd, in the order of the LUT tensor (group,
  /// entry, vector component).
  int64_t lutEntries = 0;
  /// LUT bytes: lutEntries elements of the weight type (float LUT) or one
  /// byte per code (quantized LUT: si8 two's complement, ui8, f8 codes).
  size_t lutBytes = 0;
  /// Scale elements (weight type): 0 (A), G (B), C (C, D).
  int64_t scaleCount = 0;
  size_t scaleBytes = 0;
  /// Tensor shapes of the IR constants (spec §7): indices `I`, LUT `L`
  /// (rank + 2: G on axis, 1 elsewhere, then 2^nBits, then cd) and scale
  /// `S` (rank: G or C on axis, 1 elsewhere; empty when scaleCount is 0).
  /// Rank 0 weights are described as shape {1}.
  std::vector<int64_t> indexShape, lutShape, scaleShape;
};
PaletteSizes paletteSizes(const PaletteLayout &, SrcType, const PaletteParams &);

/// The splat offset1 (zero point) of a quantized LUT, as a code of the LUT
/// type: 127 for UINT8, 0 otherwise (0.0 in the weight type for C).
uint8_t lutZeroPointCode(const PaletteParams &);

/// Caller-allocated output buffers (sizes from paletteSizes()).
struct PaletteOutputs {
  void *indices = nullptr; ///< indexBytes
  void *lut = nullptr;     ///< lutBytes
  void *scale = nullptr;   ///< scaleBytes; may be null when scaleCount is 0
};

/// Per-group facts for callers and tests (optional output of palettize()).
struct PaletteDiagnostics {
  /// Clusters per group: k = min(#distinct grid values (#vectors), 2^n).
  std::vector<int> clusters;
  /// The LUT entries before they are stored (f64 means), lutEntries of them.
  std::vector<double> lutF64;
  /// cd == 1: the SSE on the grid values (weighted by counts) of the optimal
  /// partition, per group. cd > 1: the SSE of the kept k-means start on the
  /// vectors (f64), per group.
  std::vector<double> clusterSSE;
};

/// Palettizes `src` (numElements() values of type `st`, little-endian).
/// Statuses: NonFinite (with the flat index of the first NaN/Inf) when the
/// weight holds one; InvalidArgument for an invalid layout or parameters
/// (including pcs with cd > 1) or a null buffer; Overflow when a stored
/// scale would overflow the weight's type. On a status other than Ok the
/// output contents are unspecified.
QuantResult palettize(const void *src, SrcType st, const PaletteLayout &,
                      const PaletteParams &, const PaletteOutputs &,
                      const ParallelFor &parallelFor,
                      PaletteDiagnostics *diagnostics = nullptr);
/// palettize() with an explicit implementation path for its vectorized
/// parts (Isa::Scalar and Isa::Generic run the portable code). All paths
/// give the same bytes.
QuantResult palettizeWithIsa(Isa, const void *src, SrcType,
                             const PaletteLayout &, const PaletteParams &,
                             const PaletteOutputs &,
                             const ParallelFor &parallelFor,
                             PaletteDiagnostics *diagnostics = nullptr);

/// Decodes palettize()'s outputs into the weight (numElements() values of
/// type `st`) exactly as Apple's runtime evaluates the IR of §7 (the value
/// each index was chosen for). Returns InvalidArgument for an invalid
/// layout/parameters or an index out of range.
Status decodePalettized(const PaletteLayout &, SrcType st,
                        const PaletteParams &, const void *indices,
                        const void *lut, const void *scale, void *out);

//===----------------------------------------------------------------------===//
// Building blocks (exposed for the pass and for tests).
//===----------------------------------------------------------------------===//

/// How the runtime rounds blockwise_shift_scale's `scale * (data - offset1)`
/// in the weight's type T (measured in Apple's CPU runtime, f16 and f32):
/// Separate when the scale's block size is 1 on every axis but the last
/// (rank 1: always): round_T(round_T(s*d) - round_T(s*z)); Fused otherwise:
/// round_T(s*(d - z)). bf16 is computed in f32 and then rounded, where the
/// two agree. They differ only when the zero point z is nonzero (UINT8).
enum class ScaleRounding { Fused, Separate };
ScaleRounding scaleRoundingFor(const std::vector<int64_t> &shape,
                               const std::vector<int64_t> &scaleShape);

/// One decoded value: `s` (a T value), `d` the data value (a T value or an
/// integer/FP8 code's exact value) and `z` the zero point value, rounded as
/// the runtime does (result as f64; it is a T value).
double decodeScaled(double s, double d, double z, SrcType st, ScaleRounding);

/// The value of one code of a quantized LUT type (si8, ui8, f8E4M3FN,
/// f8E5M2) as f64 (NaN for NaN codes).
double lutCodeValue(QType, uint8_t code);

/// q(x): x rounded half-to-even to 11 significant bits (any exponent; 0 and
/// -0 give +0). Exact for every finite double whose result is finite.
double gridValue(double x);

/// Optimal weighted 1-D k-means: `values` ascending and distinct,
/// `weights` > 0, 1 <= k <= n. Writes clusterStart[0..k): cluster j holds
/// points [clusterStart[j], clusterStart[j+1]) (clusterStart[0] = 0, the
/// last ends at n), minimizing the weighted SSE; returns that SSE. f64, with
/// prefix sums over mean-centred values.
double optimalKMeans1D(const double *values, const double *weights, int64_t n,
                       int k, int64_t *clusterStart);

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_PALETTIZE_H

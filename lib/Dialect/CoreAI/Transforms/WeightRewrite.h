//===- WeightRewrite.h - what the weight-compression passes share -*- C++ -*-===//
//
// The core every weight transform (quantize-weights, palettize-weights)
// builds on; a transform adds only its kernel call and the ops it emits:
//
//   - candidate selection (docs/spec/QUANTIZE_WEIGHTS.md §2, shared by the
//     other transforms' contracts): a statically shaped f32/f16/bf16
//     coreai.constant with more elements than the threshold, all of whose
//     users consume weights (or any constant of 1e8 elements or more);
//   - the weight's output and input axes, inferred from its users;
//   - the weight's bytes, read in place (splats expanded);
//   - parallel work on the context's thread pool, and the order of work:
//     select, compute, then warn and rewrite in program order
//     (transformWeights());
//   - the constants of the rewritten IR: resource blobs named after their
//     content, inline values below 256 elements, splats;
//   - warnings naming the constant, emitted in program order.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_LIB_DIALECT_COREAI_TRANSFORMS_WEIGHTREWRITE_H
#define COREAI_LIB_DIALECT_COREAI_TRANSFORMS_WEIGHTREWRITE_H

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Kernels/Quantize.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>
#include <vector>

namespace coreai {
namespace weights {

/// Constants this large are candidates whatever their users are.
constexpr int64_t kAlwaysCompressElements = 100'000'000;
/// Tensors with at least this many elements are stored as resource blobs.
constexpr int64_t kMinResourceElements = 256;
/// Alignment of the blobs written (as Apple's tools write them).
constexpr size_t kBlobAlignment = 16;
/// Weights at least this large may be split over the thread pool (see
/// planCompute()); smaller ones run side by side, one worker each.
constexpr int64_t kParallelWeightElements = 1 << 20;

/// Output and input axes of a weight, normalized to [0, rank) where the
/// users' rules give an axis inside the rank (the input axis of a rank-1
/// weight lies outside it).
struct Axes {
  int64_t output = 0, input = 1;
  bool operator==(const Axes &o) const {
    return output == o.output && input == o.input;
  }
};

/// A candidate constant, its weight bytes and axes, and the warnings it
/// collects while it is transformed.
struct WeightCandidate {
  ConstantOp op;
  mlir::RankedTensorType type;
  kernels::SrcType srcType;
  /// The weight's bytes (a resource blob, or the dense attribute's storage).
  llvm::ArrayRef<char> weight;
  /// Holds the weight when a splat had to be expanded.
  std::vector<char> expanded;
  Axes axes;
  /// Warnings to emit, in order; `failed` when the constant is skipped.
  llvm::SmallVector<std::string> warnings;
  bool failed = false;

  int64_t rank() const { return type.getRank(); }
  /// Marks the candidate skipped for `reason`.
  void fail(std::string reason) {
    warnings.push_back(std::move(reason));
    failed = true;
  }
  /// Marks the candidate skipped unless a kernel's `result` is Ok: NaN/Inf
  /// (with the first one's index), `overflow` (what overflowed), or the
  /// `kernel` rejecting the layout.
  void failUnlessOk(const kernels::QuantResult &result,
                    llvm::StringRef overflow, llvm::StringRef kernel);
};

/// The candidate rule; std::nullopt for a constant that is not a candidate
/// (it passes silently). A candidate whose bytes cannot be read comes back
/// `failed` with the reason.
std::optional<WeightCandidate> selectCandidate(ConstantOp op,
                                               int64_t weightNumThreshold);

/// Emits the candidate's warnings on its constant (before it is rewritten),
/// prefixed `<notDone> ` when it failed (e.g. "not quantized:").
void emitWarnings(const WeightCandidate &c, llvm::StringRef notDone);

std::optional<kernels::SrcType> getSrcType(mlir::Type elementType);
/// The MLIR element type of a quantized type (si4, ui8, f8E4M3FN, ...).
mlir::Type getElementType(mlir::MLIRContext *ctx, kernels::QType qtype);

/// Calls fn(i) for every i in [0, n) on the context's thread pool, the
/// calling thread taking its share; sequential when the context has
/// threading disabled.
void parallelIndices(mlir::MLIRContext *ctx, size_t n,
                     llvm::function_ref<void(size_t)> fn);

/// How the weights of `sizes` (elements) are computed: `split` ones one
/// after another, each over the whole thread pool, then the `sideBySide`
/// ones on the pool, one worker each, largest first. A large weight is split
/// when it is more than its share of the large weights left (its size times
/// the pool's threads exceeds their total), so that one weight never keeps
/// a single worker busy long after the others are done; the large weights
/// below that, and all small ones, run side by side, which spares the
/// kernels' synchronization and serial parts.
struct ComputePlan {
  llvm::SmallVector<size_t> split, sideBySide;
};
ComputePlan planCompute(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> sizes);

/// Elements of `type` from `packed` data (the layout of Packing.h): a
/// resource blob for tensors of kMinResourceElements or more, named after
/// its content's digest (Digest.h; computed on the context's threads unless
/// given) and taking over
/// `blob` when given (else copying `packed`); inline values otherwise.
mlir::ElementsAttr makeElements(mlir::ShapedType type,
                                llvm::ArrayRef<char> packed,
                                mlir::AsmResourceBlob *blob = nullptr,
                                std::optional<uint64_t> digest = std::nullopt);

/// A splat of `type` whose every element has the bit pattern `code`.
mlir::ElementsAttr makeSplat(mlir::ShapedType type, uint64_t code);
/// A splat of zeros (0 or +0.0) of `type`.
mlir::ElementsAttr makeZeros(mlir::ShapedType type);

/// A constant of `value` at `loc`.
mlir::Value createConstant(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::ElementsAttr value);

/// Runs a weight transform over `root`: `select(op)` makes a Candidate
/// (holding a WeightCandidate `w`) of each candidate constant, in program
/// order; `compute(c, parallel)` runs the kernels for each one that has not
/// failed, as planCompute() orders them (split over the thread pool when
/// `parallel`); then, in
/// program order, the warnings are emitted (prefixed `notDone` for skipped
/// constants) and `rewrite(c)` replaces each constant that has not failed.
/// Output and warnings do not depend on threading. Returns the number of
/// candidates skipped.
template <typename Candidate, typename Select, typename Compute,
          typename Rewrite>
int64_t transformWeights(mlir::Operation *root, Select select, Compute compute,
                         Rewrite rewrite, llvm::StringRef notDone) {
  std::vector<Candidate> candidates;
  root->walk([&](ConstantOp op) {
    if (std::optional<Candidate> c = select(op))
      candidates.push_back(std::move(*c));
  });
  llvm::SmallVector<Candidate *> todo;
  llvm::SmallVector<int64_t> sizes;
  for (Candidate &c : candidates)
    if (!c.w.failed) {
      todo.push_back(&c);
      sizes.push_back(c.w.type.getNumElements());
    }
  const ComputePlan plan = planCompute(root->getContext(), sizes);
  for (size_t i : plan.split)
    compute(*todo[i], /*parallel=*/true);
  parallelIndices(root->getContext(), plan.sideBySide.size(), [&](size_t i) {
    compute(*todo[plan.sideBySide[i]], /*parallel=*/false);
  });
  int64_t skipped = 0;
  for (Candidate &c : candidates) {
    emitWarnings(c.w, notDone);
    if (c.w.failed)
      ++skipped;
    else
      rewrite(c);
  }
  return skipped;
}

} // namespace weights
} // namespace coreai

#endif // COREAI_LIB_DIALECT_COREAI_TRANSFORMS_WEIGHTREWRITE_H

//===- QuantizeWeights.cpp - quantize weight constants --------------------===//
//
// Replaces eligible coreai.constant weights by low-bit data, scales and zero
// points feeding a coreai.blockwise_shift_scale. The arithmetic lives in the
// MLIR-free kernels library and the candidate rule, axes and constants in
// WeightRewrite.h; this file sets the block shapes, runs the kernels in
// parallel, and rewrites the IR in program order (so that output and
// warnings do not depend on threading).
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/Transforms/Passes.h"

#include "WeightRewrite.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/Transforms/CompressionOptions.h"
#include "coreai/Kernels/Quantize.h"
#include "coreai/TextIO/ProgramText.h"

#include <optional>
#include <string>
#include <variant>

namespace coreai {
#define GEN_PASS_DEF_QUANTIZEWEIGHTS
#include "coreai/Dialect/CoreAI/Transforms/Passes.h.inc"
} // namespace coreai

using namespace mlir;
using namespace coreai;
namespace k = coreai::kernels;

namespace {

using weights::WeightCandidate;

/// One candidate constant and what became of it.
struct Candidate {
  WeightCandidate w;
  k::BlockLayout layout;
  /// What the kernels were asked for (set when the constant is quantized).
  k::QuantParams params;
  // Outputs: data and scale blobs, zero points (packed like data). Optional
  // because a default-constructed blob leaves members uninitialized.
  std::optional<AsmResourceBlob> data, scale;
  std::vector<char> zeroPoints;
  /// Digests of data and scale (coreai/Kernels/Digest.h), their blob names.
  k::OutputDigests digests;
};

class QuantizeWeightsPass
    : public coreai::impl::QuantizeWeightsBase<QuantizeWeightsPass> {
public:
  using QuantizeWeightsBase::QuantizeWeightsBase;

  void runOnOperation() override;

private:
  std::optional<Candidate> selectCandidate(ConstantOp op);
  void quantize(Candidate &c, bool parallelBlocks);
  void rewrite(Candidate &c);

  QuantizeOptions options;
};

std::optional<Candidate> QuantizeWeightsPass::selectCandidate(ConstantOp op) {
  std::optional<WeightCandidate> w =
      weights::selectCandidate(op, options.weightNumThreshold);
  if (!w)
    return std::nullopt;
  Candidate c{std::move(*w)};
  if (c.w.failed)
    return c;

  // Block shape (1..dim); a whole axis is one block.
  int64_t rank = c.w.rank();
  weights::Axes a = c.w.axes;
  ArrayRef<int64_t> shape = c.w.type.getShape();
  c.layout.shape.assign(shape.begin(), shape.end());
  c.layout.blockShape.assign(shape.begin(), shape.end());
  auto setBlock = [&](int64_t axis, int64_t size) -> bool {
    if (axis < 0 || axis >= rank)
      return true; // an axis outside the rank is ignored
    if (shape[axis] % size != 0) {
      c.w.fail("dim " + std::to_string(axis) + " (" +
               std::to_string(shape[axis]) +
               ") is not divisible by the block size " + std::to_string(size));
      return false;
    }
    c.layout.blockShape[axis] = size;
    return true;
  };
  if (rank > 1 && options.granularity != Granularity::PerTensor) {
    bool ok = setBlock(a.output, 1);
    if (ok && options.granularity == Granularity::PerBlock && a.input != a.output)
      setBlock(a.input, options.blockSize);
  }
  return c;
}

void QuantizeWeightsPass::quantize(Candidate &c, bool parallelBlocks) {
  k::QuantParams &params = c.params;
  params.qtype = options.qtype;
  params.scheme = options.scheme;
  if (options.e8m0Scale)
    params.scaleType = k::ScaleType::F8E8M0FNU;
  else if (c.w.srcType == k::SrcType::F16)
    params.scaleType = k::ScaleType::F16;
  else if (c.w.srcType == k::SrcType::BF16)
    params.scaleType = k::ScaleType::BF16;
  else
    params.scaleType = k::ScaleType::F32;

  int64_t numElements = c.layout.numElements();
  int64_t numBlocks = c.layout.numBlocks();
  c.data = allocateResourceBlob(k::packedDataBytes(params.qtype, numElements),
                                weights::kBlobAlignment);
  c.scale = allocateResourceBlob(k::scaleBytes(params.scaleType, numBlocks),
                                 weights::kBlobAlignment);
  if (!c.data || !c.scale)
    return c.w.fail("out of memory for its quantized data");
  c.zeroPoints.assign(k::packedDataBytes(params.qtype, numBlocks), 0);

  k::ParallelFor parallelFor;
  if (parallelBlocks)
    parallelFor = contextParallelFor(&getContext());

  k::QuantResult result = k::quantize(
      c.w.weight.data(), c.w.srcType, c.layout, params,
      c.data->getMutableData().data(), c.scale->getMutableData().data(),
      c.zeroPoints.data(), parallelFor, &c.digests);
  c.w.failUnlessOk(result, "2*max|w| or the scale overflows", "quantization");
}

void QuantizeWeightsPass::rewrite(Candidate &c) {
  MLIRContext *ctx = &getContext();
  ConstantOp op = c.w.op;
  OpBuilder builder(op);
  Location loc = op.getLoc();
  ArrayRef<int64_t> shape = c.w.type.getShape();
  std::vector<int64_t> grid = c.layout.gridShape();
  Type weightElt = c.w.type.getElementType();
  Type dataElt = weights::getElementType(ctx, options.qtype);
  Type scaleElt = options.e8m0Scale ? Float8E8M0FNUType::get(ctx) : weightElt;

  auto dataType = RankedTensorType::get(shape, dataElt);
  auto gridDataType = RankedTensorType::get(grid, dataElt);
  auto scaleType = RankedTensorType::get(grid, scaleElt);
  auto offset2Type = RankedTensorType::get(grid, weightElt);

  size_t dataBytes = c.data->getData().size();
  size_t scaleBytes = c.scale->getData().size();
  ElementsAttr dataAttr = weights::makeElements(dataType, c.data->getData(),
                                                &*c.data, c.digests.data);
  ElementsAttr scaleAttr = weights::makeElements(
      scaleType, c.scale->getData(), &*c.scale, c.digests.scale);

  bool splatZeroPoint = k::isSplatZeroPoint(c.params);
  ElementsAttr zeroAttr =
      splatZeroPoint
          ? weights::makeSplat(gridDataType, k::splatZeroPointCode(c.params))
          : weights::makeElements(gridDataType, c.zeroPoints);

  Value data = weights::createConstant(builder, loc, dataAttr);
  Value scale = weights::createConstant(builder, loc, scaleAttr);
  Value offset1 = weights::createConstant(builder, loc, zeroAttr);
  Value offset2 =
      weights::createConstant(builder, loc, weights::makeZeros(offset2Type));
  Value weight = BlockwiseShiftScaleOp::create(builder, loc, c.w.type, data,
                                               scale, offset1, offset2);
  op.getOutput().replaceAllUsesWith(weight);
  op.erase();

  ++numQuantized;
  bytesIn += c.w.weight.size();
  bytesOut += dataBytes + scaleBytes +
              (splatZeroPoint ? 0 : c.zeroPoints.size());
}

void QuantizeWeightsPass::runOnOperation() {
  auto parsed = parseQuantizeOptions(dtype, qscheme, granularity, blockSize,
                                     weightNumThreshold, scaleDtype);
  if (auto *message = std::get_if<std::string>(&parsed)) {
    getOperation().emitError("quantize-weights: ") << *message;
    return signalPassFailure();
  }
  options = std::get<QuantizeOptions>(parsed);

  numSkipped += weights::transformWeights<Candidate>(
      getOperation(), [&](ConstantOp op) { return selectCandidate(op); },
      [&](Candidate &c, bool parallel) { quantize(c, parallel); },
      [&](Candidate &c) { rewrite(c); }, "not quantized:");
}

} // namespace

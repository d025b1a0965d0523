//===- PalettizeWeights.cpp - palettize weight constants ------------------===//
//
// Replaces eligible coreai.constant weights by indices into look-up tables
// decoded by coreai.lut_to_dense (docs/spec/PALETTIZE_WEIGHTS.md). The
// clustering, LUT quantization, index assignment and packing live in the
// MLIR-free kernels (Kernels/Palettize.h), the candidate rule, axes and
// constants in WeightRewrite.h; this file sets each weight's groups and
// vectors, runs the kernels in parallel, and rewrites the IR in program
// order (so that output and warnings do not depend on threading).
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/Transforms/Passes.h"

#include "WeightRewrite.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/Transforms/CompressionOptions.h"
#include "coreai/Kernels/Palettize.h"
#include "coreai/TextIO/ProgramText.h"

#include <optional>
#include <string>
#include <variant>

namespace coreai {
#define GEN_PASS_DEF_PALETTIZEWEIGHTS
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
  k::PaletteLayout layout;
  k::PaletteSizes sizes;
  std::optional<AsmResourceBlob> indices, lut, scale;
};

/// The constant `groups` of the conv2d using `weight` as its weight, when
/// that is a constant (1 otherwise: a non-constant `groups` is not checked).
int64_t convGroups(Conv2dOp conv) {
  auto constant = conv.getGroups().getDefiningOp<ConstantOp>();
  if (!constant)
    return 1;
  auto dense = dyn_cast<DenseIntElementsAttr>(constant.getValue());
  if (!dense || dense.getNumElements() != 1)
    return 1;
  return (*dense.getValues<APInt>().begin()).getSExtValue();
}

class PalettizeWeightsPass
    : public coreai::impl::PalettizeWeightsBase<PalettizeWeightsPass> {
public:
  using PalettizeWeightsBase::PalettizeWeightsBase;

  void runOnOperation() override;

private:
  std::optional<Candidate> selectCandidate(ConstantOp op);
  void palettize(Candidate &c, bool parallelGroups);
  void rewrite(Candidate &c);

  PalettizeOptions options;
  k::PaletteParams params;
};

std::optional<Candidate> PalettizeWeightsPass::selectCandidate(ConstantOp op) {
  std::optional<WeightCandidate> w =
      weights::selectCandidate(op, options.weightNumThreshold);
  if (!w)
    return std::nullopt;
  Candidate c{std::move(*w)};
  if (c.w.failed)
    return c;
  int64_t rank = c.w.rank();
  if (rank == 0) {
    c.w.fail("a scalar has no axis to palettize along");
    return c;
  }

  // Groups along the output axis (spec §3); rank 1 is one group.
  ArrayRef<int64_t> shape = c.w.type.getShape();
  int64_t axis = c.w.axes.output;
  if (axis < 0 || axis >= rank)
    axis = 0;
  int64_t channels = shape[axis];
  int64_t numGroups = 1;
  if (rank > 1 && options.granularity == Granularity::PerChannel)
    numGroups = channels;
  if (rank > 1 && options.granularity == Granularity::PerGroupedChannel &&
      options.groupSize != 0) {
    if (channels % options.groupSize != 0) {
      c.w.fail("dim " + std::to_string(axis) + " (" +
               std::to_string(channels) +
               ") is not divisible by the group size " +
               std::to_string(options.groupSize));
      return c;
    }
    numGroups = channels / options.groupSize;
  }

  // Vectors of cluster_dim channels must not straddle a group, nor a conv
  // group.
  int64_t cd = options.clusterDim;
  int64_t groupChannels = channels / numGroups;
  if (groupChannels % cd != 0) {
    c.w.fail("each LUT covers " + std::to_string(groupChannels) +
             " channel(s) along dim " + std::to_string(axis) +
             ", which cluster_dim " + std::to_string(cd) + " does not divide");
    return c;
  }
  if (cd > 1) {
    for (OpOperand &use : op->getUses()) {
      auto conv = dyn_cast<Conv2dOp>(use.getOwner());
      if (!conv || use.get() != conv.getWeight())
        continue;
      int64_t groups = convGroups(conv);
      if (groups > 1 && (channels % groups != 0 || (channels / groups) % cd)) {
        c.w.fail("the cluster_dim " + std::to_string(cd) +
                 " is invalid for its conv2d with " + std::to_string(groups) +
                 " groups: the " + std::to_string(channels) +
                 " output channels per conv group are not divisible by it");
        return c;
      }
    }
  }

  c.layout.shape.assign(shape.begin(), shape.end());
  c.layout.axis = static_cast<int>(axis);
  c.layout.numGroups = numGroups;
  c.layout.clusterDim = cd;
  return c;
}

void PalettizeWeightsPass::palettize(Candidate &c, bool parallelGroups) {
  c.sizes = k::paletteSizes(c.layout, c.w.srcType, params);
  c.indices =
      allocateResourceBlob(c.sizes.indexBytes, weights::kBlobAlignment);
  c.lut = allocateResourceBlob(c.sizes.lutBytes, weights::kBlobAlignment);
  if (c.sizes.scaleBytes)
    c.scale = allocateResourceBlob(c.sizes.scaleBytes, weights::kBlobAlignment);
  if (!c.indices || !c.lut || (c.sizes.scaleBytes && !c.scale))
    return c.w.fail("out of memory for its palettized data");

  k::PaletteOutputs outputs;
  outputs.indices = c.indices->getMutableData().data();
  outputs.lut = c.lut->getMutableData().data();
  if (c.scale)
    outputs.scale = c.scale->getMutableData().data();
  k::ParallelFor parallelFor;
  if (parallelGroups)
    parallelFor = contextParallelFor(&getContext());

  k::QuantResult result = k::palettize(c.w.weight.data(), c.w.srcType,
                                       c.layout, params, outputs, parallelFor);
  c.w.failUnlessOk(result, "a LUT scale overflows its element type",
                   "palettization");
}

void PalettizeWeightsPass::rewrite(Candidate &c) {
  MLIRContext *ctx = &getContext();
  ConstantOp op = c.w.op;
  OpBuilder builder(op);
  Location loc = op.getLoc();
  Type weightElt = c.w.type.getElementType();
  Type lutElt = params.lutType ? weights::getElementType(ctx, *params.lutType)
                               : weightElt;
  auto indexType = RankedTensorType::get(
      c.sizes.indexShape,
      IntegerType::get(ctx, params.nBits, IntegerType::Unsigned));
  auto lutType = RankedTensorType::get(c.sizes.lutShape, lutElt);
  auto axisType =
      RankedTensorType::get({}, IntegerType::get(ctx, 16, IntegerType::Signed));
  // lut_to_dense's axis matters only for vectors; 0 otherwise (spec §7).
  int64_t axis = c.layout.clusterDim > 1 ? c.layout.axis : 0;
  auto constant = [&](ElementsAttr value) {
    return weights::createConstant(builder, loc, value);
  };

  size_t bytesWritten = c.indices->getData().size() + c.lut->getData().size();
  Value indices = constant(
      weights::makeElements(indexType, c.indices->getData(), &*c.indices));
  Value axisValue = constant(weights::makeSplat(axisType, axis));
  Value lut =
      constant(weights::makeElements(lutType, c.lut->getData(), &*c.lut));

  Value weight;
  if (!params.hasScale()) {
    // A: the LUT holds the weight's values.
    weight = LutToDenseOp::create(builder, loc, c.w.type, indices, lut,
                                  axisValue);
  } else {
    bytesWritten += c.scale->getData().size();
    auto scaleType = RankedTensorType::get(c.sizes.scaleShape, weightElt);
    auto zeroPointType = RankedTensorType::get(c.sizes.scaleShape, lutElt);
    auto denseType = RankedTensorType::get(c.w.type.getShape(), lutElt);
    Value scale, zeroPoint, dense;
    if (params.lutType) {
      // B, D: the LUT holds codes; scale and zero point come first.
      scale = constant(weights::makeElements(scaleType, c.scale->getData(),
                                             &*c.scale));
      zeroPoint = constant(weights::makeSplat(zeroPointType,
                                              k::lutZeroPointCode(params)));
      dense = LutToDenseOp::create(builder, loc, denseType, indices, lut,
                                   axisValue);
    } else {
      // C: the LUT holds normalized values, scaled per channel.
      dense = LutToDenseOp::create(builder, loc, denseType, indices, lut,
                                   axisValue);
      scale = constant(weights::makeElements(scaleType, c.scale->getData(),
                                             &*c.scale));
      zeroPoint = constant(weights::makeZeros(zeroPointType));
    }
    Value offset2 = constant(weights::makeZeros(scaleType));
    weight = BlockwiseShiftScaleOp::create(builder, loc, c.w.type, dense, scale,
                                           zeroPoint, offset2);
  }
  op.getOutput().replaceAllUsesWith(weight);
  op.erase();

  ++numPalettized;
  bytesIn += c.w.weight.size();
  bytesOut += bytesWritten;
}

void PalettizeWeightsPass::runOnOperation() {
  PalettizeOptionValues values;
  values.lutDtype = lutDtype;
  values.nBits = nBits;
  values.granularity = granularity;
  values.groupSize = groupSize;
  values.clusterDim = clusterDim;
  values.perChannelScale = perChannelScale;
  values.weightNumThreshold = weightNumThreshold;
  auto parsed = parsePalettizeOptions(values);
  if (auto *message = std::get_if<std::string>(&parsed)) {
    getOperation().emitError("palettize-weights: ") << *message;
    return signalPassFailure();
  }
  options = std::get<PalettizeOptions>(parsed);
  params.nBits = options.nBits;
  params.lutType = options.lutType;
  params.perChannelScale = options.perChannelScale;

  numSkipped += weights::transformWeights<Candidate>(
      getOperation(), [&](ConstantOp op) { return selectCandidate(op); },
      [&](Candidate &c, bool parallel) { palettize(c, parallel); },
      [&](Candidate &c) { rewrite(c); }, "not palettized:");
}

} // namespace

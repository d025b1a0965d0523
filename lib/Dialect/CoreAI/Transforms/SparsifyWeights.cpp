//===- SparsifyWeights.cpp - sparsify weight constants --------------------===//
//
// Replaces eligible coreai.constant weights by their kept non-zero values
// and a ui1 bitmask (docs/spec/SPARSIFY_WEIGHTS.md): the values, quantized
// or palettized when asked, are joined to the mask by
// coreai.build_sparse_with_bitmask and expanded by
// coreai.sparse_with_bitmask_to_dense. The selection, the mask and the joint
// compression live in the MLIR-free kernels (Kernels/Sparsify.h), the
// candidate rule, axes and constants in WeightRewrite.h; this file runs the
// kernels in parallel and rewrites the IR in program order (so that output
// and warnings do not depend on threading).
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/Transforms/Passes.h"

#include "WeightRewrite.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/Transforms/CompressionOptions.h"
#include "coreai/Kernels/OutputBuffers.h"
#include "coreai/Kernels/Sparsify.h"
#include "coreai/TextIO/ProgramText.h"

#include <optional>
#include <string>
#include <variant>

namespace coreai {
#define GEN_PASS_DEF_SPARSIFYWEIGHTS
#include "coreai/Dialect/CoreAI/Transforms/Passes.h.inc"
} // namespace coreai

using namespace mlir;
using namespace coreai;
namespace k = coreai::kernels;

namespace {

using weights::WeightCandidate;

/// How the kept values are stored.
enum class ValueForm { Plain, Quantized, Palettized };

/// One candidate constant and what became of it.
struct Candidate {
  WeightCandidate w;
  k::SparsityLayout layout;
  int64_t numNonZero = 0;
  bool maskAllTrue = false, maskAllFalse = false;
  ValueForm form = ValueForm::Plain;
  std::optional<AsmResourceBlob> mask, values;
  // Quantized values: codes (in `values`) and one scale element.
  std::vector<char> scale;
  // Palettized values: indices (in `values`), the LUT, its sizes.
  std::vector<char> lut;
  k::PaletteSizes palette;
};

class SparsifyWeightsPass
    : public coreai::impl::SparsifyWeightsBase<SparsifyWeightsPass> {
public:
  using SparsifyWeightsBase::SparsifyWeightsBase;

  void runOnOperation() override;

private:
  std::optional<Candidate> selectCandidate(ConstantOp op);
  void sparsify(Candidate &c, bool parallel);
  void rewrite(Candidate &c);

  SparsifyOptions options;
  k::SparsityParams params;
};

std::optional<Candidate> SparsifyWeightsPass::selectCandidate(ConstantOp op) {
  std::optional<WeightCandidate> w =
      weights::selectCandidate(op, options.weightNumThreshold);
  if (!w)
    return std::nullopt;
  Candidate c{std::move(*w)};
  if (c.w.failed)
    return c;
  ArrayRef<int64_t> shape = c.w.type.getShape();
  int64_t rank = c.w.rank();
  auto inRange = [&](int64_t axis) { return axis >= 0 && axis < rank; };
  c.layout.shape.assign(shape.begin(), shape.end());
  c.layout.outputAxis = inRange(c.w.axes.output) ? (int)c.w.axes.output : 0;
  c.layout.inputAxis = inRange(c.w.axes.input) ? (int)c.w.axes.input : 0;

  switch (k::sparsityApplicability(c.layout, params)) {
  case k::SparsityApplicability::Ok:
    break;
  case k::SparsityApplicability::Rank1:
    c.w.fail(std::string(options.kind == SparsityKind::Block
                             ? "block sparsity"
                             : "n:m pruning") +
             " needs a weight of rank 2 or more");
    break;
  case k::SparsityApplicability::BlockTooLarge:
    c.w.fail("block_size > channel / 2 is not applicable for block sparsity: "
             "block_size = " +
             std::to_string(options.blockSize) + ", channel = " +
             std::to_string(shape[c.layout.outputAxis]) + " (dim " +
             std::to_string(c.layout.outputAxis) + ")");
    break;
  case k::SparsityApplicability::MTooLarge:
    c.w.fail("m > channel / 2 is not applicable for n:m pruning: m = " +
             std::to_string(options.m) + ", channel = " +
             std::to_string(shape[c.layout.inputAxis]) + " (dim " +
             std::to_string(c.layout.inputAxis) + ")");
    break;
  }
  return c;
}

/// Allocates a blob of `size` bytes (at least one, so that an empty tensor
/// still has storage to point at).
std::optional<AsmResourceBlob> allocate(size_t size) {
  return allocateResourceBlob(std::max<size_t>(size, 1),
                              weights::kBlobAlignment);
}

void SparsifyWeightsPass::sparsify(Candidate &c, bool parallel) {
  k::ParallelFor parallelFor;
  if (parallel)
    parallelFor = contextParallelFor(&getContext());
  k::SparsityPlan plan;
  k::QuantResult planned = k::planSparsity(
      c.w.weight.data(), c.w.srcType, c.layout, params, parallelFor, plan);
  c.w.failUnlessOk(planned, "", "sparsification");
  if (c.w.failed)
    return;

  k::SparsitySizes sizes = k::sparsitySizes(plan);
  c.numNonZero = sizes.numValues;
  c.maskAllTrue = sizes.maskAllTrue;
  c.maskAllFalse = sizes.maskAllFalse;
  bool joint = options.quantizeType || options.palettizeBits;
  if (joint && c.numNonZero == 0)
    c.w.warnings.push_back(
        std::string("no non-zero values: sparsified alone (") +
        (options.quantizeType ? "quantize_dtype" : "palettize_nbits") +
        " ignored)");
  c.form = !joint || c.numNonZero == 0 ? ValueForm::Plain
           : options.quantizeType      ? ValueForm::Quantized
                                       : ValueForm::Palettized;

  // The kept values go straight into their blob, or into scratch when they
  // are compressed further (reused memory: no page faults, no zeroing).
  c.mask = allocate(sizes.maskBytes);
  OutputBuffer scratch;
  std::optional<AsmResourceBlob> plain;
  if (c.form == ValueForm::Plain)
    plain = allocate(sizes.valueBytes);
  else
    scratch = OutputBuffer::allocate(sizes.valueBytes);
  if (!c.mask || (c.form == ValueForm::Plain ? !plain : !scratch.data()))
    return c.w.fail("out of memory for its sparse data");
  void *valuesOut = plain ? (void *)plain->getMutableData().data()
                          : (void *)scratch.data();
  if (k::writeSparsity(plan, {c.mask->getMutableData().data(), valuesOut},
                       parallelFor) != k::Status::Ok)
    return c.w.fail("the sparsification kernel could not write its data");

  if (c.form == ValueForm::Plain) {
    c.values = std::move(plain);
    return;
  }
  k::QuantResult result;
  if (c.form == ValueForm::Quantized) {
    c.values = allocate(c.numNonZero);
    c.scale.resize(c.w.type.getElementTypeBitWidth() / 8);
    if (!c.values)
      return c.w.fail("out of memory for its sparse data");
    result = k::quantizeSparseValues(
        scratch.data(), c.w.srcType, c.numNonZero, *options.quantizeType,
        c.values->getMutableData().data(), c.scale.data(), parallelFor);
  } else {
    c.palette = k::paletteSizes(k::sparseValuePaletteLayout(c.numNonZero),
                                c.w.srcType,
                                k::sparseValuePaletteParams(*options.palettizeBits));
    c.values = allocate(c.palette.indexBytes);
    c.lut.resize(c.palette.lutBytes);
    if (!c.values)
      return c.w.fail("out of memory for its sparse data");
    result = k::palettizeSparseValues(
        scratch.data(), c.w.srcType, c.numNonZero, *options.palettizeBits,
        {c.values->getMutableData().data(), c.lut.data(), nullptr},
        parallelFor);
  }
  c.w.failUnlessOk(result, "the scale of its values overflows its element type",
                   "value compression");
}

void SparsifyWeightsPass::rewrite(Candidate &c) {
  MLIRContext *ctx = &getContext();
  ConstantOp op = c.w.op;
  OpBuilder builder(op);
  Location loc = op.getLoc();
  Type weightElt = c.w.type.getElementType();
  ArrayRef<int64_t> shape = c.w.type.getShape();
  int64_t nnz = c.numNonZero;
  auto constant = [&](ElementsAttr value) {
    return weights::createConstant(builder, loc, value);
  };
  auto ui = [&](unsigned width) {
    return IntegerType::get(ctx, width, IntegerType::Unsigned);
  };
  size_t bytesWritten = 0;

  // The values (decoded to the weight's type for UINT8 and palettization,
  // whose zero points / LUTs are not sparse-safe or not sparse at all).
  Value kept;
  Type keptElt = weightElt;
  std::optional<Value> scaleValue, zeroValue;
  auto oneScaleType = [&](unsigned rank, Type elt) {
    return RankedTensorType::get(SmallVector<int64_t>(rank, 1), elt);
  };
  if (c.form == ValueForm::Plain) {
    auto type = RankedTensorType::get({nnz}, weightElt);
    bytesWritten += nnz * (weightElt.getIntOrFloatBitWidth() / 8);
    kept = constant(nnz == 0 ? ElementsAttr(DenseElementsAttr::get(
                                   type, ArrayRef<Attribute>{}))
                             : weights::makeElements(type, c.values->getData(),
                                                     &*c.values));
  } else if (c.form == ValueForm::Quantized) {
    k::QType q = *options.quantizeType;
    Type codeElt = weights::getElementType(ctx, q);
    auto codeType = RankedTensorType::get({nnz}, codeElt);
    bytesWritten += nnz + c.scale.size();
    Value codes = constant(weights::makeElements(codeType, c.values->getData(),
                                                 &*c.values));
    uint8_t zero = k::sparseValueZeroPointCode(q);
    if (q == k::QType::UI8) {
      // C: decode before sparsifying (pruned positions must read 0).
      auto s1 = oneScaleType(1, weightElt);
      Value scale = constant(weights::makeElements(s1, c.scale));
      Value zp = constant(weights::makeSplat(oneScaleType(1, codeElt), zero));
      Value offset2 = constant(weights::makeZeros(s1));
      kept = BlockwiseShiftScaleOp::create(
          builder, loc, RankedTensorType::get({nnz}, weightElt), codes, scale,
          zp, offset2);
    } else {
      // B: sparse codes, decoded after densifying (code 0 decodes to 0).
      unsigned rank = shape.size();
      scaleValue = constant(
          weights::makeElements(oneScaleType(rank, weightElt), c.scale));
      zeroValue = constant(weights::makeSplat(oneScaleType(rank, codeElt), zero));
      kept = codes;
      keptElt = codeElt;
    }
  } else {
    // D: the values through one LUT.
    int bits = *options.palettizeBits;
    auto indexType = RankedTensorType::get({nnz}, ui(bits));
    auto lutType = RankedTensorType::get(c.palette.lutShape, weightElt);
    auto axisType = RankedTensorType::get(
        {}, IntegerType::get(ctx, 16, IntegerType::Signed));
    bytesWritten += c.values->getData().size() + c.lut.size();
    Value indices = constant(weights::makeElements(
        indexType, c.values->getData(), &*c.values));
    Value lut = constant(weights::makeElements(lutType, c.lut));
    Value axis = constant(weights::makeSplat(axisType, 0));
    kept = LutToDenseOp::create(builder, loc,
                                RankedTensorType::get({nnz}, weightElt),
                                indices, lut, axis);
  }

  // The mask, the sparse tensor, the dense weight.
  auto maskType = RankedTensorType::get(shape, ui(1));
  bytesWritten += c.mask->getData().size();
  ElementsAttr maskAttr =
      c.maskAllTrue || c.maskAllFalse
          ? weights::makeSplat(maskType, c.maskAllTrue ? 1 : 0)
          : weights::makeElements(maskType, c.mask->getData(), &*c.mask);
  Value mask = constant(maskAttr);
  auto encoding = SparseTensorEncodingAttr::get(
      ctx, SparseScheme::bitmask, static_cast<uint64_t>(nnz), 1, 1);
  auto sparseType = RankedTensorType::get(shape, keptElt, encoding);
  Value sparse =
      BuildSparseWithBitmaskOp::create(builder, loc, sparseType, kept, mask);
  auto denseType = RankedTensorType::get(shape, keptElt);
  Value weight =
      SparseWithBitmaskToDenseOp::create(builder, loc, denseType, sparse);
  if (scaleValue) {
    unsigned rank = shape.size();
    Value offset2 = constant(weights::makeZeros(oneScaleType(rank, weightElt)));
    weight = BlockwiseShiftScaleOp::create(builder, loc, c.w.type, weight,
                                           *scaleValue, *zeroValue, offset2);
  }
  op.getOutput().replaceAllUsesWith(weight);
  op.erase();

  ++numSparsified;
  bytesIn += c.w.weight.size();
  bytesOut += bytesWritten;
}

void SparsifyWeightsPass::runOnOperation() {
  SparsifyOptionValues values;
  std::string sparsity = targetSparsity;
  for (char &ch : sparsity)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (sparsity.empty() || sparsity == "none") {
    values.targetSparsity.reset();
  } else {
    char *end = nullptr;
    double s = std::strtod(sparsity.c_str(), &end);
    if (end == sparsity.c_str() || *end != '\0') {
      getOperation().emitError("sparsify-weights: target-sparsity must be a "
                               "number in [0, 1] or none, got '")
          << targetSparsity << "'";
      return signalPassFailure();
    }
    values.targetSparsity = s;
  }
  if (blockSize != 0)
    values.blockSize = blockSize;
  if (!nmRatio.empty()) {
    if (nmRatio.size() != 2) {
      getOperation().emitError("sparsify-weights: n-m-ratio must be two "
                               "integers n,m, got ")
          << nmRatio.size();
      return signalPassFailure();
    }
    values.nmRatio = std::make_pair(nmRatio[0], nmRatio[1]);
  }
  values.quantizeDtype = quantizeDtype;
  if (palettizeNbits != 0)
    values.palettizeBits = palettizeNbits;
  values.weightNumThreshold = weightNumThreshold;
  auto parsed = parseSparsifyOptions(values);
  if (auto *message = std::get_if<std::string>(&parsed)) {
    getOperation().emitError("sparsify-weights: ") << *message;
    return signalPassFailure();
  }
  options = std::get<SparsifyOptions>(parsed);
  if (options.blockSizeIgnored)
    getOperation().emitWarning(
        "sparsify-weights: block_size is ignored with n_m_ratio");
  switch (options.kind) {
  case SparsityKind::Unstructured:
    params = k::SparsityParams::unstructured(options.targetSparsity);
    break;
  case SparsityKind::Block:
    params = k::SparsityParams::block(options.blockSize, options.targetSparsity);
    break;
  case SparsityKind::NM:
    params = k::SparsityParams::nm(options.n, options.m);
    break;
  }

  numSkipped += weights::transformWeights<Candidate>(
      getOperation(), [&](ConstantOp op) { return selectCandidate(op); },
      [&](Candidate &c, bool parallel) { sparsify(c, parallel); },
      [&](Candidate &c) { rewrite(c); }, "not sparsified:");
}

} // namespace

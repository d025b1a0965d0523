//===- QuantizeWeights.cpp - quantize weight constants --------------------===//
//
// Replaces eligible coreai.constant weights by low-bit data, scales and zero
// points feeding a coreai.blockwise_shift_scale. The arithmetic lives in the
// MLIR-free kernels library; this file selects candidates, infers their axes
// and block shapes, runs the kernels in parallel, and rewrites the IR in
// program order (so that output and warnings do not depend on threading).
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/Transforms/Passes.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/Transforms/QuantizeOptions.h"
#include "coreai/Kernels/Digest.h"
#include "coreai/Kernels/Packing.h"
#include "coreai/Kernels/Quantize.h"
#include "coreai/TextIO/ProgramText.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ThreadPool.h"

#include <atomic>
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

/// Constants this large are candidates whatever their users are.
constexpr int64_t kAlwaysQuantizeElements = 100'000'000;
/// Tensors with at least this many elements are stored as resource blobs.
constexpr int64_t kMinResourceElements = 256;
/// Alignment of the blobs written (as Apple's tools write them).
constexpr size_t kBlobAlignment = 16;
/// Constants below this size are quantized whole by one worker.
constexpr int64_t kParallelBlocksElements = 1 << 20;

/// Calls fn(i) for every i in [0, n) on the context's thread pool, the
/// calling thread taking its share (so the pool's threads start on the
/// other cores instead of beside a caller that waits). Sequential when the
/// context has threading disabled.
void parallelIndices(MLIRContext *ctx, size_t n,
                     function_ref<void(size_t)> fn) {
  if (n == 0)
    return;
  if (n == 1 || !ctx->isMultithreadingEnabled()) {
    for (size_t i = 0; i < n; ++i)
      fn(i);
    return;
  }
  llvm::ThreadPoolInterface &pool = ctx->getThreadPool();
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;)
      fn(i);
  };
  llvm::ThreadPoolTaskGroup group(pool);
  size_t helpers = std::min<size_t>(n, pool.getMaxConcurrency()) - 1;
  for (size_t i = 0; i < helpers; ++i)
    group.async(work);
  work();
  group.wait();
}

bool isMatmul(Operation *op) {
  return isa<BatchMatmulOp, BroadcastingBatchMatmulOp>(op);
}

bool isWeightConsumer(Operation *op) {
  return isa<BatchMatmulOp, BroadcastingBatchMatmulOp, Conv2dOp, GatherNdOp,
             TransposeOp>(op);
}

/// Output and input axes of a weight, negative counting from the rank.
struct Axes {
  int64_t output = 0, input = 1;
  bool operator==(const Axes &o) const {
    return output == o.output && input == o.input;
  }
};

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Axes a matmul operand implies: y is [.., K, N], x is [.., M, K].
Axes matmulAxes(unsigned operandNumber) {
  return operandNumber == 1 ? Axes{-1, -2} : Axes{-2, -1};
}

/// The permutation of a transpose, when it is a constant.
std::optional<SmallVector<int64_t>> getPermutation(TransposeOp op) {
  auto constant = op.getPermutation().getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto dense = dyn_cast<DenseIntElementsAttr>(constant.getValue());
  if (!dense)
    return std::nullopt;
  return llvm::map_to_vector(dense.getValues<APInt>(), [](const APInt &v) {
    return static_cast<int64_t>(v.getZExtValue());
  });
}

/// Axes implied by one use of a weight of rank `rank` (normalized to
/// [0, rank) where possible).
Axes axesForUse(OpOperand &use, int64_t rank) {
  Operation *user = use.getOwner();
  auto normalized = [&](Axes a) {
    return Axes{normalizeAxis(a.output, rank), normalizeAxis(a.input, rank)};
  };
  if (isMatmul(user))
    return normalized(matmulAxes(use.getOperandNumber()));
  if (auto transpose = dyn_cast<TransposeOp>(user)) {
    // Through a transpose whose users are all matmuls: map the matmul's axes
    // back through the transpose's permutation (result dim j is input dim
    // perm[j]).
    std::optional<SmallVector<int64_t>> perm = getPermutation(transpose);
    Value result = transpose.getOutput();
    if (use.getOperandNumber() != 0 || !perm ||
        static_cast<int64_t>(perm->size()) != rank || result.use_empty() ||
        !llvm::all_of(result.getUsers(), isMatmul))
      return Axes{};
    std::optional<Axes> agreed;
    for (OpOperand &matmulUse : result.getUses()) {
      Axes a = normalized(matmulAxes(matmulUse.getOperandNumber()));
      if (a.output < 0 || a.output >= rank || a.input < 0 || a.input >= rank)
        return Axes{};
      Axes mapped{(*perm)[a.output], (*perm)[a.input]};
      if (agreed && !(*agreed == mapped))
        return Axes{};
      agreed = mapped;
    }
    return *agreed;
  }
  return Axes{};
}

std::optional<k::SrcType> getSrcType(Type elementType) {
  if (elementType.isF32())
    return k::SrcType::F32;
  if (elementType.isF16())
    return k::SrcType::F16;
  if (elementType.isBF16())
    return k::SrcType::BF16;
  return std::nullopt;
}

Type getDataElementType(MLIRContext *ctx, k::QType qtype) {
  auto si = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Signed);
  };
  auto ui = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Unsigned);
  };
  switch (qtype) {
  case k::QType::SI2:
    return si(2);
  case k::QType::UI2:
    return ui(2);
  case k::QType::SI4:
    return si(4);
  case k::QType::UI4:
    return ui(4);
  case k::QType::SI8:
    return si(8);
  case k::QType::UI8:
    return ui(8);
  case k::QType::F4E2M1FN:
    return Float4E2M1FNType::get(ctx);
  case k::QType::F8E4M3FN:
    return Float8E4M3FNType::get(ctx);
  case k::QType::F8E5M2:
    return Float8E5M2Type::get(ctx);
  }
  llvm_unreachable("unknown quantized type");
}

/// One candidate constant and what became of it.
struct Candidate {
  ConstantOp op;
  RankedTensorType type;
  k::SrcType srcType;
  /// The weight's bytes (a resource blob, or the dense attribute's storage).
  ArrayRef<char> weight;
  /// Holds the weight when a splat had to be expanded.
  std::vector<char> expanded;
  k::BlockLayout layout;
  /// What the kernels were asked for (set when the constant is quantized).
  k::QuantParams params;
  /// Warnings to emit, in order; `failed` when the constant is skipped.
  SmallVector<std::string> warnings;
  bool failed = false;
  // Outputs: data and scale blobs, zero points (packed like data). Optional
  // because a default-constructed blob leaves members uninitialized.
  std::optional<AsmResourceBlob> data, scale;
  std::vector<char> zeroPoints;
  /// Digests of data and scale (coreai/Kernels/Digest.h), their blob names.
  k::OutputDigests digests;
};

/// Reads a weight's bytes without copying (except to expand a splat).
LogicalResult getWeightBytes(Candidate &c, Attribute value) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      c.warnings.push_back("its dense_resource blob is missing");
      return failure();
    }
    c.weight = blob->getData();
  } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      int64_t n = c.type.getNumElements();
      c.expanded.resize(raw.size() * n);
      for (int64_t i = 0; i < n; ++i)
        std::memcpy(c.expanded.data() + i * raw.size(), raw.data(), raw.size());
      c.weight = c.expanded;
    } else {
      c.weight = raw;
    }
  } else {
    c.warnings.push_back("its value is neither dense nor dense_resource");
    return failure();
  }
  size_t expected = c.type.getNumElements() *
                    (c.type.getElementType().getIntOrFloatBitWidth() / 8);
  if (c.weight.size() != expected) {
    c.warnings.push_back("its data holds " + std::to_string(c.weight.size()) +
                         " bytes but the type needs " +
                         std::to_string(expected));
    return failure();
  }
  return success();
}

/// The name of a blob whose content has digest `digest` (Digest.h): names
/// then depend neither on the order of work nor on what ran before.
std::string blobName(uint64_t digest) {
  return "resource_" + std::to_string(digest);
}

/// Decodes `count` packed elements of `bits` width into APInts.
SmallVector<APInt> unpackCodes(ArrayRef<char> packed, int64_t count,
                               unsigned bits) {
  SmallVector<APInt> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t bit = i * bits;
    uint8_t byte = static_cast<uint8_t>(packed[bit / 8]);
    uint64_t code = (byte >> (bit % 8)) & ((1u << bits) - 1u);
    values.emplace_back(bits, code);
  }
  return values;
}

class QuantizeWeightsPass
    : public coreai::impl::QuantizeWeightsBase<QuantizeWeightsPass> {
public:
  using QuantizeWeightsBase::QuantizeWeightsBase;

  void runOnOperation() override;

private:
  std::optional<Candidate> selectCandidate(ConstantOp op);
  void quantize(Candidate &c, bool parallelBlocks);
  void rewrite(Candidate &c);
  ElementsAttr makeElements(ShapedType type, ArrayRef<char> packed,
                            AsmResourceBlob *blob,
                            std::optional<uint64_t> digest);

  QuantizeOptions options;
};

std::optional<Candidate> QuantizeWeightsPass::selectCandidate(ConstantOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  std::optional<k::SrcType> srcType = getSrcType(type.getElementType());
  if (!srcType || op->use_empty())
    return std::nullopt;
  int64_t numElements = type.getNumElements();
  bool huge = numElements >= kAlwaysQuantizeElements;
  if (!huge && numElements <= options.weightNumThreshold)
    return std::nullopt;
  if (!huge && !llvm::all_of(op->getUsers(), isWeightConsumer))
    return std::nullopt;

  Candidate c;
  c.op = op;
  c.type = type;
  c.srcType = *srcType;
  if (failed(getWeightBytes(c, op.getValue()))) {
    c.failed = true;
    return c;
  }

  // Axes: every use must agree, else warn and use the defaults.
  int64_t rank = type.getRank();
  std::optional<Axes> axes;
  bool disagree = false;
  for (OpOperand &use : op->getUses()) {
    Axes a = axesForUse(use, rank);
    if (axes && !(*axes == a))
      disagree = true;
    axes = a;
  }
  if (disagree) {
    c.warnings.push_back("its users disagree on the output and input axes; "
                         "using output axis 0 and input axis 1");
    axes = Axes{};
  }
  Axes a{normalizeAxis(axes->output, rank), normalizeAxis(axes->input, rank)};

  // Block shape (1..dim); a whole axis is one block.
  ArrayRef<int64_t> shape = type.getShape();
  c.layout.shape.assign(shape.begin(), shape.end());
  c.layout.blockShape.assign(shape.begin(), shape.end());
  auto setBlock = [&](int64_t axis, int64_t size) -> bool {
    if (axis < 0 || axis >= rank)
      return true; // an axis outside the rank is ignored
    if (shape[axis] % size != 0) {
      c.warnings.push_back("dim " + std::to_string(axis) + " (" +
                           std::to_string(shape[axis]) +
                           ") is not divisible by the block size " +
                           std::to_string(size));
      return false;
    }
    c.layout.blockShape[axis] = size;
    return true;
  };
  if (rank > 1 && options.granularity != Granularity::PerTensor) {
    bool ok = setBlock(a.output, 1);
    if (ok && options.granularity == Granularity::PerBlock && a.input != a.output)
      ok = setBlock(a.input, options.blockSize);
    if (!ok)
      c.failed = true;
  }
  return c;
}

void QuantizeWeightsPass::quantize(Candidate &c, bool parallelBlocks) {
  k::QuantParams &params = c.params;
  params.qtype = options.qtype;
  params.scheme = options.scheme;
  if (options.e8m0Scale)
    params.scaleType = k::ScaleType::F8E8M0FNU;
  else if (c.srcType == k::SrcType::F16)
    params.scaleType = k::ScaleType::F16;
  else if (c.srcType == k::SrcType::BF16)
    params.scaleType = k::ScaleType::BF16;
  else
    params.scaleType = k::ScaleType::F32;

  int64_t numElements = c.layout.numElements();
  int64_t numBlocks = c.layout.numBlocks();
  c.data = allocateResourceBlob(
      k::packedDataBytes(params.qtype, numElements), kBlobAlignment);
  c.scale = allocateResourceBlob(
      k::scaleBytes(params.scaleType, numBlocks), kBlobAlignment);
  if (!c.data || !c.scale) {
    c.warnings.push_back("out of memory for its quantized data");
    c.failed = true;
    return;
  }
  c.zeroPoints.assign(k::packedDataBytes(params.qtype, numBlocks), 0);

  k::ParallelFor parallelFor;
  if (parallelBlocks)
    parallelFor = contextParallelFor(&getContext());

  k::QuantResult result = k::quantize(
      c.weight.data(), c.srcType, c.layout, params,
      c.data->getMutableData().data(), c.scale->getMutableData().data(),
      c.zeroPoints.data(), parallelFor, &c.digests);
  switch (result.status) {
  case k::Status::Ok:
    return;
  case k::Status::NonFinite:
    c.warnings.push_back("it holds NaN or Inf (first at element " +
                         std::to_string(result.firstBadElement) + ")");
    break;
  case k::Status::Overflow:
    c.warnings.push_back("its magnitude is too large: 2*max|w| or the scale "
                         "overflows");
    break;
  case k::Status::InvalidArgument:
    c.warnings.push_back("the quantization kernel rejected its layout");
    break;
  }
  c.failed = true;
}

/// Elements of `type` from `packed` data: a resource blob for large
/// tensors (named after its content, so that names do not depend on what
/// ran before in the context), inline values otherwise.
ElementsAttr
QuantizeWeightsPass::makeElements(ShapedType type, ArrayRef<char> packed,
                                  AsmResourceBlob *blob,
                                  std::optional<uint64_t> digest) {
  MLIRContext *ctx = type.getContext();
  if (type.getNumElements() >= kMinResourceElements) {
    AsmResourceBlob owned = blob ? std::move(*blob)
                                 : HeapAsmResourceBlob::allocateAndCopyWithAlign(
                                       packed, kBlobAlignment);
    ArrayRef<char> bytes = owned.getData();
    std::string name = blobName(
        digest ? *digest : k::digest(bytes.data(), bytes.size()));
    auto &manager = DenseResourceElementsHandle::getManagerInterface(ctx);
    if (auto *entry = manager.getBlobManager().lookup(name)) {
      if (entry->getBlob() && entry->getBlob()->getData() == bytes)
        return DenseResourceElementsAttr::get(
            type, DenseResourceElementsHandle(
                      entry, ctx->getLoadedDialect<BuiltinDialect>()));
    }
    return DenseResourceElementsAttr::get(type, name, std::move(owned));
  }
  Type elementType = type.getElementType();
  unsigned bits = elementType.getIntOrFloatBitWidth();
  if (bits % 8 == 0)
    return DenseElementsAttr::getFromRawBuffer(type, packed);
  SmallVector<APInt> codes = unpackCodes(packed, type.getNumElements(), bits);
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values = llvm::map_to_vector(codes, [&](APInt &v) {
      return APFloat(floatType.getFloatSemantics(), v);
    });
    return DenseElementsAttr::get(type, values);
  }
  return DenseElementsAttr::get(type, codes);
}

void QuantizeWeightsPass::rewrite(Candidate &c) {
  MLIRContext *ctx = &getContext();
  OpBuilder builder(c.op);
  Location loc = c.op.getLoc();
  ArrayRef<int64_t> shape = c.type.getShape();
  std::vector<int64_t> grid = c.layout.gridShape();
  Type weightElt = c.type.getElementType();
  Type dataElt = getDataElementType(ctx, options.qtype);
  Type scaleElt = options.e8m0Scale ? Float8E8M0FNUType::get(ctx) : weightElt;

  auto dataType = RankedTensorType::get(shape, dataElt);
  auto gridDataType = RankedTensorType::get(grid, dataElt);
  auto scaleType = RankedTensorType::get(grid, scaleElt);
  auto offset2Type = RankedTensorType::get(grid, weightElt);

  size_t dataBytes = c.data->getData().size();
  size_t scaleBytes = c.scale->getData().size();
  ElementsAttr dataAttr =
      makeElements(dataType, c.data->getData(), &*c.data, c.digests.data);
  ElementsAttr scaleAttr =
      makeElements(scaleType, c.scale->getData(), &*c.scale, c.digests.scale);

  const k::QuantParams &params = c.params;
  bool splatZeroPoint = k::isSplatZeroPoint(params);
  ElementsAttr zeroAttr;
  if (splatZeroPoint) {
    unsigned bits = dataElt.getIntOrFloatBitWidth();
    APInt code(bits, k::splatZeroPointCode(params));
    if (auto floatType = dyn_cast<FloatType>(dataElt))
      zeroAttr = DenseElementsAttr::get(
          gridDataType, APFloat(floatType.getFloatSemantics(), code));
    else
      zeroAttr = DenseElementsAttr::get(gridDataType, code);
  } else {
    zeroAttr = makeElements(gridDataType, c.zeroPoints, nullptr, std::nullopt);
  }
  auto zeroFloat = APFloat::getZero(cast<FloatType>(weightElt).getFloatSemantics());
  ElementsAttr offset2Attr = DenseElementsAttr::get(offset2Type, zeroFloat);

  Value data = ConstantOp::create(builder, loc, cast<TypedAttr>(dataAttr));
  Value scale = ConstantOp::create(builder, loc, cast<TypedAttr>(scaleAttr));
  Value offset1 = ConstantOp::create(builder, loc, cast<TypedAttr>(zeroAttr));
  Value offset2 = ConstantOp::create(builder, loc, cast<TypedAttr>(offset2Attr));
  Value weight = BlockwiseShiftScaleOp::create(builder, loc, c.type, data,
                                               scale, offset1, offset2);
  c.op.getOutput().replaceAllUsesWith(weight);
  c.op.erase();

  ++numQuantized;
  bytesIn += c.weight.size();
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

  // Candidates in program order.
  std::vector<Candidate> candidates;
  getOperation().walk([&](ConstantOp op) {
    if (std::optional<Candidate> c = selectCandidate(op))
      candidates.push_back(std::move(*c));
  });

  // Large weights one after another, each split over the thread pool;
  // small ones side by side, each by one worker.
  SmallVector<Candidate *> small;
  for (Candidate &c : candidates) {
    if (c.failed)
      continue;
    if (c.layout.numElements() >= kParallelBlocksElements)
      quantize(c, /*parallelBlocks=*/true);
    else
      small.push_back(&c);
  }
  parallelIndices(&getContext(), small.size(), [&](size_t i) {
    quantize(*small[i], /*parallelBlocks=*/false);
  });

  // Warnings and rewrites in program order.
  for (Candidate &c : candidates) {
    for (const std::string &warning : c.warnings)
      c.op.emitWarning() << (c.failed ? "not quantized: " : "") << c.type
                         << " weight: " << warning;
    if (c.failed)
      ++numSkipped;
    else
      rewrite(c);
  }
}

} // namespace

//===- WeightRewrite.cpp - what the weight-compression passes share -------===//

#include "WeightRewrite.h"

#include "coreai/Kernels/Digest.h"
#include "coreai/Kernels/Packing.h"
#include "coreai/TextIO/ProgramText.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <cstring>

using namespace mlir;

namespace coreai {
namespace weights {
namespace {

bool isMatmul(Operation *op) {
  return isa<BatchMatmulOp, BroadcastingBatchMatmulOp>(op);
}

bool isWeightConsumer(Operation *op) {
  return isa<BatchMatmulOp, BroadcastingBatchMatmulOp, Conv2dOp, GatherNdOp,
             TransposeOp>(op);
}

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

/// Axes implied by one use of a weight of rank `rank`.
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

/// Reads a weight's bytes without copying (except to expand a splat).
LogicalResult readWeightBytes(WeightCandidate &c, Attribute value) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      c.fail("its dense_resource blob is missing");
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
    c.fail("its value is neither dense nor dense_resource");
    return failure();
  }
  size_t expected = c.type.getNumElements() *
                    (c.type.getElementType().getIntOrFloatBitWidth() / 8);
  if (c.weight.size() != expected) {
    c.fail("its data holds " + std::to_string(c.weight.size()) +
           " bytes but the type needs " + std::to_string(expected));
    return failure();
  }
  return success();
}

/// The name of a blob whose content has digest `digest` (Digest.h): names
/// then depend neither on the order of work nor on what ran before.
std::string blobName(uint64_t digest) {
  return "resource_" + std::to_string(digest);
}

} // namespace

void WeightCandidate::failUnlessOk(const kernels::QuantResult &result,
                                   StringRef overflow, StringRef kernel) {
  switch (result.status) {
  case kernels::Status::Ok:
    return;
  case kernels::Status::NonFinite:
    return fail("it holds NaN or Inf (first at element " +
                std::to_string(result.firstBadElement) + ")");
  case kernels::Status::Overflow:
    return fail("its magnitude is too large: " + overflow.str());
  case kernels::Status::InvalidArgument:
    return fail("the " + kernel.str() + " kernel rejected its layout");
  case kernels::Status::OutOfMemory:
    return fail("out of memory for the " + kernel.str() + " kernel's scratch");
  }
}

std::optional<kernels::SrcType> getSrcType(Type elementType) {
  if (elementType.isF32())
    return kernels::SrcType::F32;
  if (elementType.isF16())
    return kernels::SrcType::F16;
  if (elementType.isBF16())
    return kernels::SrcType::BF16;
  return std::nullopt;
}

Type getElementType(MLIRContext *ctx, kernels::QType qtype) {
  using kernels::QType;
  auto si = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Signed);
  };
  auto ui = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Unsigned);
  };
  switch (qtype) {
  case QType::SI2:
    return si(2);
  case QType::UI2:
    return ui(2);
  case QType::SI4:
    return si(4);
  case QType::UI4:
    return ui(4);
  case QType::SI8:
    return si(8);
  case QType::UI8:
    return ui(8);
  case QType::F4E2M1FN:
    return Float4E2M1FNType::get(ctx);
  case QType::F8E4M3FN:
    return Float8E4M3FNType::get(ctx);
  case QType::F8E5M2:
    return Float8E5M2Type::get(ctx);
  }
  llvm_unreachable("unknown quantized type");
}

std::optional<WeightCandidate> selectCandidate(ConstantOp op,
                                               int64_t weightNumThreshold) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  std::optional<kernels::SrcType> srcType = getSrcType(type.getElementType());
  if (!srcType || op->use_empty())
    return std::nullopt;
  int64_t numElements = type.getNumElements();
  bool huge = numElements >= kAlwaysCompressElements;
  if (!huge && numElements <= weightNumThreshold)
    return std::nullopt;
  if (!huge && !llvm::all_of(op->getUsers(), isWeightConsumer))
    return std::nullopt;

  WeightCandidate c;
  c.op = op;
  c.type = type;
  c.srcType = *srcType;
  if (failed(readWeightBytes(c, op.getValue())))
    return c;

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
  c.axes = Axes{normalizeAxis(axes->output, rank),
                normalizeAxis(axes->input, rank)};
  return c;
}

void emitWarnings(const WeightCandidate &c, StringRef notDone) {
  for (const std::string &warning : c.warnings) {
    InFlightDiagnostic diag = c.op->emitWarning();
    if (c.failed)
      diag << notDone << " ";
    diag << c.type << " weight: " << warning;
  }
}

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

ComputePlan planCompute(MLIRContext *ctx, ArrayRef<int64_t> sizes) {
  const int64_t threads = ctx->isMultithreadingEnabled()
                              ? ctx->getThreadPool().getMaxConcurrency()
                              : 1;
  SmallVector<size_t> order(sizes.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  // Largest first (program order among equals).
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  int64_t largeLeft = 0;
  for (int64_t n : sizes)
    if (n >= kParallelWeightElements)
      largeLeft += n;
  ComputePlan plan;
  bool splitting = true;
  for (size_t i : order) {
    const int64_t n = sizes[i];
    splitting = splitting && n >= kParallelWeightElements &&
                (threads == 1 || n * threads > largeLeft);
    (splitting ? plan.split : plan.sideBySide).push_back(i);
    if (n >= kParallelWeightElements)
      largeLeft -= n;
  }
  return plan;
}

ElementsAttr makeElements(ShapedType type, ArrayRef<char> packed,
                          AsmResourceBlob *blob,
                          std::optional<uint64_t> digest) {
  MLIRContext *ctx = type.getContext();
  if (type.getNumElements() >= kMinResourceElements) {
    AsmResourceBlob owned = blob ? std::move(*blob)
                                 : HeapAsmResourceBlob::allocateAndCopyWithAlign(
                                       packed, kBlobAlignment);
    ArrayRef<char> bytes = owned.getData();
    std::string name = blobName(
        digest ? *digest
               : kernels::digest(bytes.data(), bytes.size(),
                                 contextParallelFor(ctx)));
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
  // Sub-byte elements: MLIR keeps one value per element, so unpack the
  // bit stream.
  auto *bytes = reinterpret_cast<const uint8_t *>(packed.data());
  SmallVector<APInt> codes;
  codes.reserve(type.getNumElements());
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i)
    codes.emplace_back(bits, kernels::unpackCode(bytes, i, bits));
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values = llvm::map_to_vector(codes, [&](APInt &v) {
      return APFloat(floatType.getFloatSemantics(), v);
    });
    return DenseElementsAttr::get(type, values);
  }
  return DenseElementsAttr::get(type, codes);
}

ElementsAttr makeSplat(ShapedType type, uint64_t code) {
  Type elementType = type.getElementType();
  APInt bits(elementType.getIntOrFloatBitWidth(), code);
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return DenseElementsAttr::get(type,
                                  APFloat(floatType.getFloatSemantics(), bits));
  return DenseElementsAttr::get(type, bits);
}

ElementsAttr makeZeros(ShapedType type) { return makeSplat(type, 0); }

Value createConstant(OpBuilder &builder, Location loc, ElementsAttr value) {
  return ConstantOp::create(builder, loc, cast<TypedAttr>(value));
}

} // namespace weights
} // namespace coreai

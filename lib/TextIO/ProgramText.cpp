//===- ProgramText.cpp - Program text with fast blob hex ------------------===//

#include "coreai/TextIO/ProgramText.h"

#include "coreai/Kernels/OutputBuffers.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

using namespace mlir;

namespace coreai {

namespace {

/// OutputBuffer memory is aligned to at least this.
constexpr size_t kOutputBufferAlignment = 64;

DialectResourceBlobManager &builtinBlobs(MLIRContext *ctx) {
  return DenseResourceElementsHandle::getManagerInterface(ctx)
      .getBlobManager();
}

} // namespace

bool fastTextBlobsEnabled() {
  const char *mode = std::getenv("COREAI_TEXT_BLOBS");
  return !mode || std::strcmp(mode, "mlir") != 0;
}

kernels::ParallelFor poolParallelFor(llvm::ThreadPoolInterface *pool) {
  if (!pool || pool->getMaxConcurrency() <= 1)
    return {};
  return [pool](size_t n, const std::function<void(size_t, size_t)> &body) {
    // A few pieces per thread, taken in turn by the pool's threads and by
    // the calling thread, which works instead of waiting.
    const size_t pieces =
        std::min<size_t>(n, 4 * size_t(pool->getMaxConcurrency()));
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) <
                     pieces;)
        body(n * i / pieces, n * (i + 1) / pieces);
    };
    llvm::ThreadPoolTaskGroup group(*pool);
    const size_t helpers =
        std::min<size_t>(pieces, pool->getMaxConcurrency()) - 1;
    for (size_t i = 0; i < helpers; ++i)
      group.async(work);
    work();
    group.wait();
  };
}

kernels::ParallelFor contextParallelFor(MLIRContext *ctx) {
  return ctx->isMultithreadingEnabled()
             ? poolParallelFor(&ctx->getThreadPool())
             : kernels::ParallelFor();
}

std::optional<AsmResourceBlob> allocateResourceBlob(size_t size,
                                                    size_t alignment) {
  if (alignment > kOutputBufferAlignment)
    return HeapAsmResourceBlob::allocate(size, alignment);
  OutputBuffer buffer = OutputBuffer::allocate(size);
  if (!buffer.data())
    return std::nullopt;
  ArrayRef<char> bytes(buffer.data(), size);
  return AsmResourceBlob(
      bytes, alignment,
      [buffer = std::move(buffer)](void *, size_t, size_t) mutable {
        buffer.release();
      },
      /*dataIsMutable=*/true);
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

std::optional<DecodedTextBlobs>
DecodedTextBlobs::decode(llvm::StringRef text,
                         const kernels::ParallelFor &parallelFor) {
  std::string_view view(text.data(), text.size());
  std::optional<std::vector<TextBlob>> found = findTextBlobs(view);
  if (!found)
    return std::nullopt;
  DecodedTextBlobs decoded;
  std::vector<std::optional<AsmResourceBlob>> memory(found->size());
  bool allocated = decodeTextBlobs(
      view, *found,
      [&](size_t i) -> char * {
        const TextBlob &b = (*found)[i];
        memory[i] = allocateResourceBlob(b.size(), b.alignment);
        return memory[i] ? memory[i]->getMutableData().data() : nullptr;
      },
      parallelFor);
  if (!allocated)
    return std::nullopt;
  for (size_t i = 0; i < found->size(); ++i)
    decoded.blobs.emplace_back(std::string((*found)[i].key),
                               std::move(memory[i]));
  decoded.strippedText = withoutBlobData(view, *found);
  return decoded;
}

bool DecodedTextBlobs::keysAreNewIn(MLIRContext *ctx) const {
  DialectResourceBlobManager &manager = builtinBlobs(ctx);
  return llvm::none_of(blobs, [&](const auto &blob) {
    return manager.lookup(blob.first) != nullptr;
  });
}

LogicalResult DecodedTextBlobs::attach(MLIRContext *ctx) {
  DialectResourceBlobManager &manager = builtinBlobs(ctx);
  for (auto &[key, blob] : blobs) {
    DialectResourceBlobManager::BlobEntry *entry = manager.lookup(key);
    if (!entry)
      return failure();
    if (blob)
      entry->setBlob(std::move(*blob));
    blob.reset();
  }
  return success();
}

std::optional<OwningOpRef<ModuleOp>>
parseProgramText(llvm::StringRef text, llvm::StringRef sourceName,
                 MLIRContext *ctx) {
  if (!fastTextBlobsEnabled())
    return std::nullopt;
  std::optional<DecodedTextBlobs> decoded =
      DecodedTextBlobs::decode(text, contextParallelFor(ctx));
  if (!decoded || !decoded->keysAreNewIn(ctx))
    return std::nullopt;
  // Parse without verifying; verify once the blobs are in place, as MLIR's
  // parser does after reading the resource section.
  ParserConfig config(ctx, /*verifyAfterParse=*/false);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(decoded->parseText(), config, sourceName);
  if (!module)
    return OwningOpRef<ModuleOp>();
  if (failed(decoded->attach(ctx))) {
    emitError(UnknownLoc::get(ctx))
        << "a resource blob lost its entry while parsing";
    return OwningOpRef<ModuleOp>();
  }
  if (failed(verify(*module)))
    return OwningOpRef<ModuleOp>();
  return module;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

bool BlobStash::stash() {
  // What splice() sees is what this call takes out.
  restore();
  bool plainKeys = true;
  std::vector<DialectResourceBlobManager::BlobEntry *> entries;
  builtinBlobs(ctx).getBlobMap([&](const llvm::StringMap<
                                   DialectResourceBlobManager::BlobEntry>
                                       &map) {
    for (const auto &it : map) {
      plainKeys &= isPlainResourceKey(
          std::string_view(it.getKey().data(), it.getKey().size()));
      // Entries change only through their blob, which the map allows.
      auto &entry =
          const_cast<DialectResourceBlobManager::BlobEntry &>(it.getValue());
      if (entry.getBlob() && !entry.getBlob()->getData().empty())
        entries.push_back(&entry);
    }
  });
  if (!plainKeys)
    return false;
  for (DialectResourceBlobManager::BlobEntry *entry : entries) {
    AsmResourceBlob *blob = entry->getBlob();
    const size_t alignment = blob->getDataAlignment();
    Held &h = held.try_emplace(entry->getKey()).first->getValue();
    h.entry = entry;
    h.data = blob->getData();
    h.alignment = alignment;
    h.blob = std::move(*blob);
    entry->setBlob(AsmResourceBlob(ArrayRef<char>(), alignment,
                                   /*deleter=*/nullptr,
                                   /*dataIsMutable=*/false));
  }
  return true;
}

void BlobStash::restore() {
  for (auto &it : held) {
    Held &h = it.getValue();
    if (h.entry)
      h.entry->setBlob(std::move(h.blob));
  }
  held.clear();
}

void BlobStash::forgetContext() {
  for (auto &it : held)
    it.getValue().entry = nullptr;
}

std::optional<SplicedText> BlobStash::splice(std::string printed) const {
  std::optional<std::vector<PrintedBlob>> found = findPrintedBlobs(printed);
  if (!found)
    return std::nullopt;
  std::vector<SplicedText::Insert> inserts;
  for (const PrintedBlob &p : *found) {
    auto it = held.find(llvm::StringRef(p.key.data(), p.key.size()));
    if (it == held.end())
      continue; // a blob without data, printed as MLIR prints it
    const Held &h = it->getValue();
    if (p.hasData || p.alignment != h.alignment)
      return std::nullopt;
    inserts.push_back({p.dataAt, h.data.data(), h.data.size()});
  }
  return SplicedText(std::move(printed), std::move(inserts));
}

std::optional<SplicedText> printProgramText(Operation *op,
                                            const OpPrintingFlags &flags) {
  if (!fastTextBlobsEnabled() || flags.getLargeResourceStringLimit())
    return std::nullopt;
  BlobStash stash(op->getContext());
  if (!stash.stash())
    return std::nullopt;
  std::string printed;
  {
    llvm::raw_string_ostream os(printed);
    op->print(os, flags);
  }
  // The result refers to the blobs' data, which stays where it is when the
  // blobs go back to their entries.
  return stash.splice(std::move(printed));
}

} // namespace coreai

//===- ProgramText.h - Program text with fast blob hex ----------*- C++ -*-===//
//
// Parsing and printing program text with the hex of builtin resource blobs
// converted by our vectorized, multi-threaded codec (coreai/Kernels/Hex.h)
// instead of MLIR's parser and printer, with the same results:
//
//  - parsing: the blobs are decoded from the text first, MLIR parses the
//    text without their data (ResourceText.h), the decoded blobs are
//    attached to the entries the parse declared, and only then is the
//    program verified. Text this cannot handle exactly like MLIR (see
//    findTextBlobs()), keys the context already holds (MLIR would rename
//    them) and bad digits leave everything to MLIR's parser;
//  - printing: the blobs are held out of the context while MLIR prints
//    (BlobStash), and their digits are spliced into MLIR's output.
//
// coreai-opt and the Python module both go through these functions.
// Setting $COREAI_TEXT_BLOBS to "mlir" turns the fast path off everywhere,
// for comparisons with MLIR's own printer and parser.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_TEXTIO_PROGRAMTEXT_H
#define COREAI_TEXTIO_PROGRAMTEXT_H

#include "coreai/Kernels/Quantize.h"
#include "coreai/Support/ResourceText.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace llvm {
class ThreadPoolInterface;
} // namespace llvm

namespace coreai {

/// False when $COREAI_TEXT_BLOBS is "mlir": MLIR's parser and printer then
/// handle the blob hex themselves.
bool fastTextBlobsEnabled();

/// A ParallelFor running on `pool` with the calling thread taking part;
/// sequential when `pool` is null.
kernels::ParallelFor poolParallelFor(llvm::ThreadPoolInterface *pool);
/// poolParallelFor() on the context's thread pool, or sequential when the
/// context has threading disabled.
kernels::ParallelFor contextParallelFor(mlir::MLIRContext *ctx);

/// A writable resource blob of `size` bytes aligned to `alignment` (a power
/// of two), in OutputBuffer memory (reused from a pool) where its alignment
/// allows; std::nullopt when out of memory.
std::optional<mlir::AsmResourceBlob> allocateResourceBlob(size_t size,
                                                          size_t alignment);

/// The builtin blobs of program text, decoded ahead of MLIR's parse of the
/// rest.
class DecodedTextBlobs {
public:
  /// Decodes the blobs of `text` (see findTextBlobs()); std::nullopt when
  /// the text needs MLIR's own parser or a digit is not hex.
  static std::optional<DecodedTextBlobs>
  decode(llvm::StringRef text, const kernels::ParallelFor &parallelFor);

  /// The text for MLIR's parser: `text` without the blobs' data digits.
  llvm::StringRef parseText() const { return strippedText; }
  /// True if `ctx` holds none of the blob keys yet (MLIR renames a key it
  /// already holds, and the blobs would not find their entries).
  bool keysAreNewIn(mlir::MLIRContext *ctx) const;
  /// Gives each blob to the entry of its key, which the parse of
  /// parseText() declared with empty data. Fails if an entry is missing.
  mlir::LogicalResult attach(mlir::MLIRContext *ctx);

private:
  std::string strippedText;
  /// Keys with their data; std::nullopt for empty data, for which MLIR's
  /// own empty blob stays.
  std::vector<std::pair<std::string, std::optional<mlir::AsmResourceBlob>>>
      blobs;
};

/// Parses program text as parseSourceString<ModuleOp>(text, ctx,
/// sourceName) does (verifying it), decoding the blob hex ourselves.
/// std::nullopt, with nothing done, when the text needs MLIR's own parser;
/// otherwise the module, or null after diagnostics were emitted.
std::optional<mlir::OwningOpRef<mlir::ModuleOp>>
parseProgramText(llvm::StringRef text, llvm::StringRef sourceName,
                 mlir::MLIRContext *ctx);

/// Holds the builtin blobs of a context out while MLIR prints: each
/// non-empty blob is replaced by an empty one of the same alignment, which
/// MLIR prints as its alignment digits alone. restore() puts them back, and
/// so does the destructor while the context lives.
class BlobStash {
public:
  explicit BlobStash(mlir::MLIRContext *ctx) : ctx(ctx) {}
  BlobStash(const BlobStash &) = delete;
  BlobStash &operator=(const BlobStash &) = delete;
  ~BlobStash() { restore(); }

  /// Takes the blobs out (putting back those of an earlier call first).
  /// Takes nothing and returns false if a key is not a plain identifier:
  /// findPrintedBlobs() reads only the entries of such keys, and MLIR then
  /// prints the program with its blobs.
  bool stash();
  /// Puts the blobs taken out back.
  void restore();
  /// The context is gone (its entries with it): the blobs taken out stay
  /// here, for splice(), until the stash is destroyed.
  void forgetContext();

  /// MLIR's output `printed` with the data digits of the blobs taken out;
  /// std::nullopt if their entries are not in the printer's layout. The
  /// result refers to the blobs' data: use it while they live (after
  /// restore(), in the context).
  std::optional<SplicedText> splice(std::string printed) const;

private:
  struct Held {
    /// The entry the blob came from; null once the context is gone.
    mlir::DialectResourceBlobManager::BlobEntry *entry = nullptr;
    mlir::AsmResourceBlob blob;
    llvm::ArrayRef<char> data;
    size_t alignment = 0;
  };
  mlir::MLIRContext *ctx;
  llvm::StringMap<Held> held;
};

/// Prints `op` as op->print(os, flags) does, with the blobs' hex from our
/// encoder. std::nullopt when that is not possible (an elided-resource
/// limit, keys that are not identifiers): MLIR's printer must print it.
/// The result refers to the blobs' data: write it before the IR changes.
std::optional<SplicedText> printProgramText(mlir::Operation *op,
                                            const mlir::OpPrintingFlags &flags);

} // namespace coreai

#endif // COREAI_TEXTIO_PROGRAMTEXT_H

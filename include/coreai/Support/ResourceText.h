//===- ResourceText.h - Blob hex of program text, outside MLIR -*- C++ -*-===//
//
// A text program keeps its weights in a section at its end:
//
//   {-#
//     dialect_resources: {
//       builtin: {
//         resource_1: "0x10000000ABCD...",
//         ...
//       }
//     }
//   #-}
//
// each string being "0x", the blob's alignment as a little-endian uint32 in
// 8 hex digits, then two hex digits per byte of data. MLIR's parser and
// printer spend most of their time on that hex; these are the MLIR-free
// parts of doing it ourselves (Hex.h converts the digits):
//
//  - reading: findTextBlobs() finds the blobs of a section in exactly the
//    form above, withoutBlobData() is the text MLIR parses instead (every
//    string cut to its alignment digits), decodeTextBlobs() decodes the data;
//  - writing: MLIR prints a program whose blobs were replaced by empty ones
//    of the same alignment, findPrintedBlobs() finds their entries in its
//    output, and SplicedText writes the output with the data's digits put
//    back in.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_SUPPORT_RESOURCETEXT_H
#define COREAI_SUPPORT_RESOURCETEXT_H

#include "coreai/Kernels/Quantize.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coreai {

/// A blob entry `key: "0x<alignment><data>"` of the builtin resources.
struct TextBlob {
  std::string_view key;
  uint32_t alignment;
  /// The data's digits in the text: [dataBegin, dataEnd), an even count.
  size_t dataBegin, dataEnd;

  size_t size() const { return (dataEnd - dataBegin) / 2; }
};

/// True if MLIR's lexer reads `key` as a bare identifier (not, for example,
/// as the integer type `i32`): the keys the functions here accept.
bool isPlainResourceKey(std::string_view key);

/// The builtin blobs of `text`, in their order in it, when the text ends
/// with a resource section of the form above: only `dialect_resources` of
/// the `builtin` dialect, identifier keys, each once, blobs of a power of
/// two alignment and an even number of digits, no comments or escapes, and
/// nothing but white space after it. Anything else (no such section,
/// bytecode, other resources, a section followed by more text, ...) gives
/// std::nullopt: MLIR's own parser has to read that text. The data digits
/// are not checked here (decodeTextBlobs() fails on anything not hex,
/// escapes and newlines included).
std::optional<std::vector<TextBlob>> findTextBlobs(std::string_view text);

/// `text` with the data digits of `blobs` removed: each blob string keeps
/// its alignment digits, so that MLIR parses the section (and declares its
/// keys) as before but gives every blob empty data. Positions before the
/// first blob, and all line numbers, are those of `text`.
std::string withoutBlobData(std::string_view text,
                            const std::vector<TextBlob> &blobs);

/// Decodes the data of every non-empty blob into `destination(i)` (memory
/// for blobs[i].size() bytes, obtained for all blobs before any is
/// decoded). Work is split over blobs and chunks through parallelFor.
/// Returns false if a destination is null or a digit is not hex.
bool decodeTextBlobs(std::string_view text, const std::vector<TextBlob> &blobs,
                     const std::function<char *(size_t index)> &destination,
                     const kernels::ParallelFor &parallelFor = {});

/// A builtin blob entry printed by MLIR: `key: "0x<8 alignment digits>`,
/// where `dataAt` is the offset just after the alignment digits (at the
/// closing quote for a blob printed without data).
struct PrintedBlob {
  std::string_view key;
  uint32_t alignment;
  size_t dataAt;
  /// True if the entry holds data digits (it was not held back).
  bool hasData;
};

/// The builtin blob entries of text printed by MLIR's printer, in order:
/// found in the resource section that ends the text (trailing newlines
/// allowed), whose builtin block must be in the printer's exact layout
/// with identifier keys. An empty list if there is no section or no
/// builtin block; std::nullopt if there is one but not in that form.
std::optional<std::vector<PrintedBlob>> findPrintedBlobs(std::string_view text);

/// Text with bytes whose hex digits are inserted at given offsets: the
/// output of MLIR's printer with the data of held-back blobs put back.
class SplicedText {
public:
  struct Insert {
    /// Offset in the text (non-decreasing from one insert to the next).
    size_t at;
    const char *data;
    size_t size;
  };

  SplicedText() = default;
  SplicedText(std::string text, std::vector<Insert> inserts);

  /// Characters of the whole output.
  size_t size() const { return length; }
  /// The text without the inserted digits.
  const std::string &text() const { return base; }

  /// Writes the whole output to `out` (size() characters).
  void writeTo(char *out, const kernels::ParallelFor &parallelFor = {}) const;

  /// Gives the output to `sink` in pieces of at most `pieceChars` encoded
  /// digits (text between inserts in single pieces); stops, returning
  /// false, as soon as `sink` returns false.
  bool writeTo(const std::function<bool(const char *, size_t)> &sink,
               const kernels::ParallelFor &parallelFor = {},
               size_t pieceChars = size_t(16) << 20) const;

private:
  std::string base;
  std::vector<Insert> inserts;
  size_t length = 0;
};

} // namespace coreai

#endif // COREAI_SUPPORT_RESOURCETEXT_H

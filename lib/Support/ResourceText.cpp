//===- ResourceText.cpp - Blob hex of program text, outside MLIR ----------===//

#include "coreai/Support/ResourceText.h"

#include "TextScan.h"
#include "coreai/Kernels/Hex.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

namespace coreai {

using namespace textscan;

namespace {

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// The 4-byte little-endian value of 8 hex digits at `p`, or nullopt.
std::optional<uint32_t> alignmentDigits(const char *p) {
  uint32_t value = 0;
  for (int byte = 0; byte < 4; ++byte) {
    int hi = hexValue(p[2 * byte]), lo = hexValue(p[2 * byte + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    value |= uint32_t(hi * 16 + lo) << (8 * byte);
  }
  return value;
}

bool isPowerOfTwo(uint32_t v) { return v && !(v & (v - 1)); }

/// A strict reader of the resource section: white space between tokens,
/// nothing else that MLIR's lexer would skip (comments make it fail).
class SectionReader {
public:
  SectionReader(std::string_view text, size_t pos) : text(text), pos(pos) {}

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' ||
                                 text[pos] == '\t' || text[pos] == '\r'))
      ++pos;
  }
  bool atEnd() {
    skipSpace();
    return pos == text.size();
  }
  bool punct(std::string_view p) {
    skipSpace();
    if (text.compare(pos, p.size(), p) != 0)
      return false;
    pos += p.size();
    return true;
  }
  bool peek(char c) {
    skipSpace();
    return pos < text.size() && text[pos] == c;
  }
  std::optional<std::string_view> identifier() {
    skipSpace();
    size_t start = pos;
    while (pos < text.size() && isIdentChar(text[pos]))
      ++pos;
    std::string_view id = text.substr(start, pos - start);
    if (!isPlainResourceKey(id))
      return std::nullopt;
    return id;
  }
  bool keyword(std::string_view word) {
    std::optional<std::string_view> id = identifier();
    return id && *id == word;
  }
  /// A blob string `"0x<alignment><data>"`.
  std::optional<TextBlob> blob(std::string_view key) {
    skipSpace();
    if (text.compare(pos, 3, "\"0x") != 0)
      return std::nullopt;
    const size_t digits = pos + 3;
    // An escape or a newline before the quote is not a hex digit:
    // decodeTextBlobs() rejects it.
    const size_t close = findChar(text, '"', digits);
    if (close == std::string_view::npos || (close - digits) % 2 != 0 ||
        close - digits < 8)
      return std::nullopt;
    std::optional<uint32_t> alignment = alignmentDigits(text.data() + digits);
    if (!alignment || !isPowerOfTwo(*alignment))
      return std::nullopt;
    pos = close + 1;
    return TextBlob{key, *alignment, digits + 8, close};
  }

private:
  std::string_view text;
  size_t pos;
};

/// Offset of the first `{-#` outside strings and comments, or npos.
size_t findMetadataStart(std::string_view text) {
  size_t found = std::string_view::npos;
  forEachCodeChar(text, [&](size_t i) {
    if (text[i] == '{' && text.compare(i, 3, "{-#") == 0) {
      found = i;
      return false;
    }
    return true;
  });
  return found;
}

/// Runs body(task) for each task index in [0, count) through parallelFor.
template <typename Body>
void forEachTask(size_t count, const kernels::ParallelFor &parallelFor,
                 Body body) {
  auto run = [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t)
      body(t);
  };
  if (parallelFor && count > 1)
    parallelFor(count, run);
  else
    run(0, count);
}

/// A piece of work on one blob: bytes [begin, end) of blob `index`.
struct BlobTask {
  size_t index, begin, end;
};

/// Tasks of at most kHexChunk bytes covering blobs of the given sizes.
template <typename SizeOf>
std::vector<BlobTask> splitBlobs(size_t count, SizeOf sizeOf) {
  std::vector<BlobTask> tasks;
  for (size_t i = 0; i < count; ++i)
    for (size_t begin = 0, n = sizeOf(i); begin < n;
         begin += kernels::kHexChunk)
      tasks.push_back({i, begin, std::min(n, begin + kernels::kHexChunk)});
  return tasks;
}

} // namespace

bool isPlainResourceKey(std::string_view key) {
  if (key.empty() || !((key[0] >= 'a' && key[0] <= 'z') ||
                       (key[0] >= 'A' && key[0] <= 'Z') || key[0] == '_'))
    return false;
  for (char c : key)
    if (!isIdentChar(c))
      return false;
  // `i32`, `si8`, `ui4`, ... are integer types to the lexer.
  std::string_view rest = key;
  if (rest[0] == 's' || rest[0] == 'u')
    rest.remove_prefix(1);
  return !(rest.size() >= 2 && rest[0] == 'i' &&
           rest.find_first_not_of("0123456789", 1) == std::string_view::npos);
}

std::optional<std::vector<TextBlob>> findTextBlobs(std::string_view text) {
  if (isBytecode(text))
    return std::nullopt;
  size_t start = findMetadataStart(text);
  if (start == std::string_view::npos)
    return std::nullopt;
  SectionReader r(text, start + 3);
  if (!r.keyword("dialect_resources") || !r.punct(":") || !r.punct("{") ||
      !r.keyword("builtin") || !r.punct(":") || !r.punct("{"))
    return std::nullopt;
  // Entries separated by commas (a trailing comma fails at the brace).
  std::vector<TextBlob> blobs;
  if (!r.peek('}')) {
    do {
      std::optional<std::string_view> key = r.identifier();
      if (!key || !r.punct(":"))
        return std::nullopt;
      std::optional<TextBlob> blob = r.blob(*key);
      if (!blob)
        return std::nullopt;
      blobs.push_back(*blob);
    } while (r.punct(","));
  }
  if (blobs.empty() || !r.punct("}") || !r.punct("}") || !r.punct("#-}") ||
      !r.atEnd())
    return std::nullopt;
  std::vector<std::string_view> keys;
  for (const TextBlob &b : blobs)
    keys.push_back(b.key);
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end())
    return std::nullopt;
  return blobs;
}

std::string withoutBlobData(std::string_view text,
                            const std::vector<TextBlob> &blobs) {
  size_t removed = 0;
  for (const TextBlob &b : blobs)
    removed += b.dataEnd - b.dataBegin;
  std::string out;
  out.reserve(text.size() - removed);
  size_t from = 0;
  for (const TextBlob &b : blobs) {
    out.append(text.substr(from, b.dataBegin - from));
    from = b.dataEnd;
  }
  out.append(text.substr(from));
  return out;
}

bool decodeTextBlobs(std::string_view text, const std::vector<TextBlob> &blobs,
                     const std::function<char *(size_t index)> &destination,
                     const kernels::ParallelFor &parallelFor) {
  std::vector<char *> out(blobs.size(), nullptr);
  for (size_t i = 0; i < blobs.size(); ++i)
    if (blobs[i].size() && !(out[i] = destination(i)))
      return false;
  std::vector<BlobTask> tasks =
      splitBlobs(blobs.size(), [&](size_t i) { return blobs[i].size(); });
  std::atomic<bool> ok{true};
  forEachTask(tasks.size(), parallelFor, [&](size_t t) {
    const BlobTask &task = tasks[t];
    const TextBlob &b = blobs[task.index];
    if (!kernels::decodeHex(text.data() + b.dataBegin + 2 * task.begin,
                            task.end - task.begin,
                            out[task.index] + task.begin))
      ok.store(false, std::memory_order_relaxed);
  });
  return ok.load();
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

std::optional<std::vector<PrintedBlob>>
findPrintedBlobs(std::string_view text) {
  // The printer ends the text with "\n{-#\n" ... "\n#-}\n"; raw newlines
  // never occur inside the strings it prints, so the last "\n{-#\n" starts
  // the section.
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n')
    --end;
  if (end < 3 || text.compare(end - 3, 3, "#-}") != 0)
    return std::vector<PrintedBlob>();
  const size_t section = text.rfind("\n{-#\n", end);
  if (section == std::string_view::npos)
    return std::nullopt;
  // Dialect blocks are indented by four spaces, their entries by six; the
  // dialect resources come first.
  std::string_view builtin = "\n    builtin: {\n";
  size_t block = text.find(builtin, section);
  if (block == std::string_view::npos || block > end)
    return std::vector<PrintedBlob>();
  std::string_view head = "\n  dialect_resources: {\n";
  if (text.compare(section + 4, head.size(), head) != 0)
    return std::nullopt;
  std::vector<PrintedBlob> blobs;
  size_t pos = block + builtin.size();
  while (true) {
    if (text.compare(pos, 6, "      ") != 0)
      return std::nullopt;
    pos += 6;
    const size_t colon = text.find(": \"0x", pos);
    if (colon == std::string_view::npos)
      return std::nullopt;
    std::string_view key = text.substr(pos, colon - pos);
    if (!isPlainResourceKey(key))
      return std::nullopt;
    const size_t digits = colon + 5;
    const size_t close = findChar(text, '"', digits);
    if (close == std::string_view::npos || close - digits < 8 ||
        containsChar(text, '\n', digits, close))
      return std::nullopt;
    std::optional<uint32_t> alignment = alignmentDigits(text.data() + digits);
    if (!alignment)
      return std::nullopt;
    blobs.push_back({key, *alignment, digits + 8, close > digits + 8});
    pos = close + 1;
    if (text.compare(pos, 2, ",\n") == 0) {
      pos += 2;
      continue;
    }
    if (text.compare(pos, 6, "\n    }") == 0)
      return blobs;
    return std::nullopt;
  }
}

SplicedText::SplicedText(std::string text, std::vector<Insert> inserts)
    : base(std::move(text)), inserts(std::move(inserts)), length(base.size()) {
  for (const Insert &i : this->inserts)
    length += 2 * i.size;
}

void SplicedText::writeTo(char *out,
                          const kernels::ParallelFor &parallelFor) const {
  // Text pieces on this thread; the digits of every insert, in chunks,
  // through parallelFor.
  std::vector<char *> where(inserts.size());
  size_t from = 0;
  char *p = out;
  for (size_t i = 0; i < inserts.size(); ++i) {
    std::memcpy(p, base.data() + from, inserts[i].at - from);
    p += inserts[i].at - from;
    from = inserts[i].at;
    where[i] = p;
    p += 2 * inserts[i].size;
  }
  std::memcpy(p, base.data() + from, base.size() - from);
  std::vector<BlobTask> tasks =
      splitBlobs(inserts.size(), [&](size_t i) { return inserts[i].size; });
  forEachTask(tasks.size(), parallelFor, [&](size_t t) {
    const BlobTask &task = tasks[t];
    kernels::encodeHex(inserts[task.index].data + task.begin,
                       task.end - task.begin,
                       where[task.index] + 2 * task.begin);
  });
}

bool SplicedText::writeTo(const std::function<bool(const char *, size_t)> &sink,
                          const kernels::ParallelFor &parallelFor,
                          size_t pieceChars) const {
  const size_t pieceBytes = std::max<size_t>(pieceChars / 2, 1);
  size_t largest = 0;
  for (const Insert &insert : inserts)
    largest = std::max(largest, std::min(pieceBytes, insert.size));
  std::unique_ptr<char[]> buffer(new char[2 * largest + 1]);
  size_t from = 0;
  for (const Insert &insert : inserts) {
    if (insert.at > from && !sink(base.data() + from, insert.at - from))
      return false;
    from = insert.at;
    for (size_t begin = 0; begin < insert.size; begin += pieceBytes) {
      const size_t n = std::min(pieceBytes, insert.size - begin);
      kernels::encodeHex(insert.data + begin, n, buffer.get(), parallelFor);
      if (!sink(buffer.get(), 2 * n))
        return false;
    }
  }
  return from == base.size() || sink(base.data() + from, base.size() - from);
}

} // namespace coreai

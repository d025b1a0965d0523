//===- InputChecks.cpp - checks on program text before MLIR parses it -----===//

#include "coreai/Support/InputChecks.h"

#include <cstdint>
#include <cstring>

namespace coreai {
namespace {

bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' || c == '.';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Line number (1-based) of offset `pos`.
size_t lineOf(std::string_view text, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i)
    line += text[i] == '\n';
  return line;
}

/// Position of the next `c` at or after `from` (npos if none); memchr, so
/// that multi-gigabyte hex blobs are skipped at memory speed.
size_t findChar(std::string_view text, char c, size_t from) {
  if (from >= text.size())
    return std::string_view::npos;
  const void *hit = std::memchr(text.data() + from, c, text.size() - from);
  return hit ? static_cast<const char *>(hit) - text.data()
             : std::string_view::npos;
}

/// True if `c` occurs in [from, to).
bool containsChar(std::string_view text, char c, size_t from, size_t to) {
  return from < to && std::memchr(text.data() + from, c, to - from);
}

/// End of the string literal opening at `open` (the closing quote), or
/// npos if it is not closed.
size_t skipString(std::string_view text, size_t open) {
  size_t i = open + 1;
  while (true) {
    size_t quote = findChar(text, '"', i);
    if (quote == std::string_view::npos)
      return quote;
    if (!containsChar(text, '\\', i, quote))
      return quote;
    // Escapes before the quote: walk them (rare outside blobs).
    size_t j = i;
    while (j < quote) {
      if (text[j] == '\\')
        ++j;
      ++j;
    }
    if (j == quote)
      return quote;
    i = quote + 1; // the quote was escaped
  }
}

/// Calls `fn(pos)` for every character of `text` outside string literals
/// and comments; `fn` returns false to stop.
template <typename Fn> void forEachCodeChar(std::string_view text, Fn fn) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      i = skipString(text, i);
      if (i == std::string_view::npos)
        return;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = findChar(text, '\n', i);
      if (i == std::string_view::npos)
        return;
      continue;
    }
    if (!fn(i))
      return;
  }
}

/// Checks the blobs of the `{-# dialect_resources ... #-}` section: each
/// starts with a 4-byte little-endian alignment that must be a power of two.
std::optional<std::string> checkResourceBlobs(std::string_view text) {
  size_t section = text.find("{-#");
  while (section != std::string_view::npos) {
    size_t end = text.find("#-}", section);
    if (end == std::string_view::npos)
      end = text.size();
    // MLIR's lexer asserts on an unterminated string or an escape here.
    for (size_t pos = findChar(text, '"', section); pos < end;) {
      auto where = [&] { return "line " + std::to_string(lineOf(text, pos)); };
      size_t close = findChar(text, '"', pos + 1);
      if (close == std::string_view::npos || containsChar(text, '\n', pos, close))
        return "unterminated string in the resource section at " + where();
      if (containsChar(text, '\\', pos, close))
        return "escape sequence in a string of the resource section at " +
               where();
      if (text.compare(pos, 3, "\"0x") == 0) {
        // A hex blob: 4 bytes of little-endian alignment, then the data.
        size_t start = pos + 3, digits = close - start;
        if (digits % 2 != 0)
          return "resource blob at " + where() +
                 " has an odd number of hex digits";
        if (digits < 8)
          return "resource blob at " + where() +
                 " is too short to hold its 4-byte alignment header";
        uint32_t alignment = 0;
        for (int byte = 0; byte < 4; ++byte) {
          int hi = hexValue(text[start + 2 * byte]);
          int lo = hexValue(text[start + 2 * byte + 1]);
          if (hi < 0 || lo < 0)
            return "resource blob at " + where() + " is not a hex string";
          alignment |= uint32_t(hi * 16 + lo) << (8 * byte);
        }
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
          return "resource blob at " + where() + " has alignment " +
                 std::to_string(alignment) + ", which is not a power of two";
      }
      pos = findChar(text, '"', close + 1);
    }
    section = text.find("{-#", end);
  }
  return std::nullopt;
}

bool isBytecode(std::string_view text) {
  return text.substr(0, 4) == std::string_view("ML\xef\x52", 4);
}

} // namespace

std::optional<std::string> checkInputText(std::string_view text) {
  if (isBytecode(text))
    return std::nullopt; // MLIR's bytecode reader checks its own input
  int depth = 0;
  size_t deepest = std::string_view::npos;
  forEachCodeChar(text, [&](size_t i) {
    char c = text[i];
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > kMaxNestingDepth) {
        deepest = i;
        return false;
      }
    } else if (c == ')' || c == ']' || c == '}' ||
               (c == '>' && !(i > 0 && text[i - 1] == '-'))) {
      if (depth > 0)
        --depth;
    }
    return true;
  });
  if (deepest != std::string_view::npos)
    return "brackets nested deeper than " + std::to_string(kMaxNestingDepth) +
           " levels at line " + std::to_string(lineOf(text, deepest));
  return checkResourceBlobs(text);
}

bool hasExplicitLocations(std::string_view text) {
  if (isBytecode(text))
    return false;
  bool found = false;
  forEachCodeChar(text, [&](size_t i) {
    if (text.compare(i, 4, "loc(") == 0 && (i == 0 || !isIdentChar(text[i - 1]))) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

} // namespace coreai

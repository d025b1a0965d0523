//===- TextScan.h - Lexing helpers for program text ------------*- C++ -*-===//
//
// The little of MLIR's lexer that the checks and scans of program text
// need: string literals, line comments and hex digits. Shared by
// InputChecks.cpp and ResourceText.cpp; large strings (blob hex) are
// skipped with memchr, at memory speed.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_SUPPORT_TEXTSCAN_H
#define COREAI_SUPPORT_TEXTSCAN_H

#include <cstring>
#include <string_view>

namespace coreai {
namespace textscan {

inline bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' || c == '.';
}

inline int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Line number (1-based) of offset `pos`.
inline size_t lineOf(std::string_view text, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i)
    line += text[i] == '\n';
  return line;
}

/// Position of the next `c` at or after `from` (npos if none).
inline size_t findChar(std::string_view text, char c, size_t from) {
  if (from >= text.size())
    return std::string_view::npos;
  const void *hit = std::memchr(text.data() + from, c, text.size() - from);
  return hit ? static_cast<const char *>(hit) - text.data()
             : std::string_view::npos;
}

/// True if `c` occurs in [from, to).
inline bool containsChar(std::string_view text, char c, size_t from,
                         size_t to) {
  return from < to && std::memchr(text.data() + from, c, to - from);
}

/// End of the string literal opening at `open` (the closing quote), or
/// npos if it is not closed.
inline size_t skipString(std::string_view text, size_t open) {
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

/// True if `text` starts with MLIR's bytecode magic.
inline bool isBytecode(std::string_view text) {
  return text.substr(0, 4) == std::string_view("ML\xef\x52", 4);
}

} // namespace textscan
} // namespace coreai

#endif // COREAI_SUPPORT_TEXTSCAN_H

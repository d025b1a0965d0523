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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// Position of the first of `a`, `b`, `c`, `d` at or after `from` (npos if
/// none): one pass where memchr would need one per character.
inline size_t findFirstOf(std::string_view text, size_t from, char a, char b,
                          char c, char d) {
  const char *p = text.data() + (from < text.size() ? from : text.size());
  const char *end = text.data() + text.size();
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
                vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
  auto matches = [&](const char *q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(q));
    return _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
        _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
  };
  for (; end - p >= 64; p += 64) {
    const __m128i any =
        _mm_or_si128(_mm_or_si128(matches(p), matches(p + 16)),
                     _mm_or_si128(matches(p + 32), matches(p + 48)));
    if (_mm_movemask_epi8(any))
      break;
  }
  for (; end - p >= 16; p += 16)
    if (int mask = _mm_movemask_epi8(matches(p)))
      return p - text.data() + __builtin_ctz(mask);
#endif
  for (; p < end; ++p)
    if (*p == a || *p == b || *p == c || *p == d)
      return p - text.data();
  return std::string_view::npos;
}

/// End of the string literal opening at `open` (the closing quote), or
/// npos if it is not closed.
inline size_t skipString(std::string_view text, size_t open) {
  for (size_t i = open + 1;;) {
    size_t at = findFirstOf(text, i, '"', '\\', '"', '"');
    if (at == std::string_view::npos || text[at] == '"')
      return at;
    i = at + 2; // an escape: the next character is part of it
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

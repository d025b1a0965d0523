//===- InputChecks.cpp - checks on program text before MLIR parses it -----===//

#include "coreai/Support/InputChecks.h"

#include <cstdint>

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

/// Calls `fn(pos)` for every character of `text` outside string literals
/// and comments; `fn` returns false to stop.
template <typename Fn> void forEachCodeChar(std::string_view text, Fn fn) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n')
        ++i;
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
    for (size_t pos = text.find('"', section); pos < end;) {
      size_t close = text.find_first_of("\"\\\n", pos + 1);
      auto where = [&] { return "line " + std::to_string(lineOf(text, pos)); };
      if (close == std::string_view::npos || text[close] == '\n')
        return "unterminated string in the resource section at " + where();
      if (text[close] == '\\')
        return "escape sequence in a string of the resource section at " +
               where();
      pos = text.find('"', close + 1);
    }
    for (size_t pos = text.find("\"0x", section); pos < end;
         pos = text.find("\"0x", pos + 1)) {
      size_t start = pos + 3, stop = start;
      while (stop < text.size() && hexValue(text[stop]) >= 0)
        ++stop;
      if (stop >= text.size() || text[stop] != '"')
        continue; // not a hex blob; MLIR reports it
      size_t digits = stop - start;
      auto where = [&] { return "line " + std::to_string(lineOf(text, pos)); };
      if (digits % 2 != 0)
        return "resource blob at " + where() + " has an odd number of hex digits";
      if (digits < 8)
        return "resource blob at " + where() +
               " is too short to hold its 4-byte alignment header";
      uint32_t alignment = 0;
      for (int byte = 0; byte < 4; ++byte)
        alignment |= uint32_t(hexValue(text[start + 2 * byte]) * 16 +
                              hexValue(text[start + 2 * byte + 1]))
                     << (8 * byte);
      if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        return "resource blob at " + where() + " has alignment " +
               std::to_string(alignment) + ", which is not a power of two";
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

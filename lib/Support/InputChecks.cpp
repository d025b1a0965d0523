//===- InputChecks.cpp - checks on program text before MLIR parses it -----===//

#include "coreai/Support/InputChecks.h"

#include "TextScan.h"

#include <cstdint>

namespace coreai {

using namespace textscan;

namespace {

/// Checks the blobs of the `{-# dialect_resources ... #-}` section: each
/// starts with a 4-byte little-endian alignment that must be a power of two.
/// A section ends at the first `#-}` after its start, even inside a string;
/// the strings opening before it are checked. One pass over the blob hex.
std::optional<std::string> checkResourceBlobs(std::string_view text) {
  constexpr size_t npos = std::string_view::npos;
  auto isEnd = [&](size_t at) { return text.compare(at, 3, "#-}") == 0; };
  size_t section = text.find("{-#");
  while (section != npos) {
    size_t end = npos;
    for (size_t from = section; end == npos;) {
      size_t pos = findFirstOf(text, from, '"', '#', '#', '#');
      if (pos == npos) {
        end = text.size();
        break;
      }
      if (text[pos] == '#') {
        if (isEnd(pos))
          end = pos;
        from = pos + 1;
        continue;
      }
      // A string opening before the end: its closing quote, and whether a
      // newline, an escape or the section's end come before that.
      auto where = [&] { return "line " + std::to_string(lineOf(text, pos)); };
      bool newline = false, escape = false;
      size_t close = pos + 1, endInside = npos;
      while ((close = findFirstOf(text, close, '"', '\n', '\\', '#')) != npos &&
             text[close] != '"') {
        newline |= text[close] == '\n';
        escape |= text[close] == '\\';
        if (text[close] == '#' && endInside == npos && isEnd(close))
          endInside = close;
        ++close;
      }
      // MLIR's lexer asserts on an unterminated string or an escape here.
      if (close == npos || newline)
        return "unterminated string in the resource section at " + where();
      if (escape)
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
      end = endInside;
      from = close + 1;
    }
    section = text.find("{-#", end);
  }
  return std::nullopt;
}

} // namespace

InputTextInfo inspectInputText(std::string_view text) {
  InputTextInfo info;
  if (isBytecode(text))
    return info; // MLIR's bytecode reader checks its own input
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
    } else if (c == 'l' && !info.explicitLocations &&
               text.compare(i, 4, "loc(") == 0 &&
               (i == 0 || !isIdentChar(text[i - 1]))) {
      info.explicitLocations = true;
    }
    return true;
  });
  if (deepest != std::string_view::npos) {
    info.problem = "brackets nested deeper than " +
                   std::to_string(kMaxNestingDepth) + " levels at line " +
                   std::to_string(lineOf(text, deepest));
    return info;
  }
  info.problem = checkResourceBlobs(text);
  return info;
}

std::optional<std::string> checkInputText(std::string_view text) {
  return inspectInputText(text).problem;
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

//===- InputChecks.h - checks on program text before MLIR parses it -*- C++ -*-===//
//
// MLIR's parser aborts the process on some malformed input (a resource blob
// with alignment 0, brackets nested deep enough to overflow the stack). These
// checks find such input first so that every entry point can report it.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_SUPPORT_INPUTCHECKS_H
#define COREAI_SUPPORT_INPUTCHECKS_H

#include <optional>
#include <string>
#include <string_view>

namespace coreai {

/// Deepest bracket nesting accepted in program text.
constexpr int kMaxNestingDepth = 256;

/// Returns a description of the first problem in `text` that MLIR's parser
/// cannot report itself, or std::nullopt. Bytecode is not checked.
std::optional<std::string> checkInputText(std::string_view text);

/// checkInputText() and hasExplicitLocations() in one scan of the text
/// (explicitLocations is only meaningful when there is no problem).
struct InputTextInfo {
  std::optional<std::string> problem;
  bool explicitLocations = false;
};
InputTextInfo inspectInputText(std::string_view text);

/// True if `text` spells out locations (`loc(...)`), which are then printed
/// back.
bool hasExplicitLocations(std::string_view text);

} // namespace coreai

#endif // COREAI_SUPPORT_INPUTCHECKS_H

//===- coreai-opt.cpp - The coreai optimizer driver -----------------------===//
//
// mlir-opt with the coreai dialect and passes, and with safe file handling:
// the output is written to a temporary file renamed into place only on
// success, so a failure never truncates or deletes an existing file and
// `-o` may name the input.
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"
#include "coreai/Dialect/CoreAI/Transforms/Passes.h"
#include "coreai/Support/InputChecks.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  mlir::registerTransformsPasses();
  coreai::registerCoreAIPasses();
  DialectRegistry registry;
  coreai::registerCoreAIDialects(registry);

  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv, "coreai-opt: the Core AI optimizer driver", registry);
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  // Foreign ops, attributes and types (param, udml, ...) are kept as they are.
  config.allowUnregisteredDialects(true);

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::WithColor::error(llvm::errs(), "coreai-opt") << errorMessage << "\n";
    return 1;
  }

  // Reject input that would abort MLIR's parser instead of diagnosing it.
  if (std::optional<std::string> problem =
          coreai::checkInputText(input->getBuffer())) {
    llvm::errs() << input->getBufferIdentifier() << ": error: " << *problem
                 << "\n";
    return 1;
  }

  // A program written with explicit locations prints them back.
  if (coreai::hasExplicitLocations(input->getBuffer())) {
    auto &options = llvm::cl::getRegisteredOptions();
    auto it = options.find("mlir-print-debuginfo");
    if (it != options.end() && it->second->getNumOccurrences() == 0)
      it->second->addOccurrence(0, "mlir-print-debuginfo", "");
  }

  if (outputFilename == "-")
    return mlir::failed(MlirOptMain(llvm::outs(), std::move(input), registry,
                                    config))
               ? 1
               : 0;

  // Write beside the target, keep the target's permissions, and rename into
  // place only on success.
  auto fail = [&](const llvm::Twine &message) {
    llvm::WithColor::error(llvm::errs(), "coreai-opt")
        << outputFilename << ": " << message << "\n";
    return 1;
  };
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(outputFilename + ".tmp-%%%%%%");
  if (!temp)
    return fail(llvm::toString(temp.takeError()));
  bool ok;
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    ok = mlir::succeeded(MlirOptMain(os, std::move(input), registry, config));
    os.flush();
    if (os.has_error()) {
      ok = false;
      llvm::errs() << "coreai-opt: error writing " << outputFilename << ": "
                   << os.error().message() << "\n";
      os.clear_error();
    }
  }
  if (!ok) {
    llvm::consumeError(temp->discard());
    return 1;
  }
  llvm::ErrorOr<llvm::sys::fs::perms> existing =
      llvm::sys::fs::getPermissions(outputFilename);
  if (existing)
    (void)llvm::sys::fs::setPermissions(temp->FD, *existing);
  if (llvm::Error error = temp->keep(outputFilename))
    return fail(llvm::toString(std::move(error)));
  return 0;
}

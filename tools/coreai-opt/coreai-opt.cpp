//===- coreai-opt.cpp - The coreai optimizer driver -----------------------===//
//
// mlir-opt with the coreai dialect and passes, and with safe file handling:
// the output is written to a temporary file renamed into place only on
// success, so a failure never truncates or deletes an existing file and
// `-o` may name the input.
//
// Text programs go through MlirOptMain with the blob hex handled by our
// codec (coreai/TextIO/ProgramText.h) unless a flag needs MLIR's own text
// handling:
//  - the input's blobs are decoded first and MlirOptMain parses the text
//    without their data and without verifying; a first pass (LoadTextBlobs)
//    gives the blobs to their entries and verifies;
//  - between the top-level passes, and after the last one, the blobs are
//    held out of the context, so that MlirOptMain prints the program
//    without their data; their hex is spliced into that output.
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"
#include "coreai/Dialect/CoreAI/Transforms/Passes.h"
#include "coreai/Support/InputChecks.h"
#include "coreai/TextIO/ProgramText.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {

/// Options under which MlirOptMain shows or keeps the program between
/// parsing, the passes and printing, where the fast path leaves the blobs
/// out, or counts its actions (the fast path adds a pass): with any of
/// them, MLIR handles the text itself.
constexpr const char *kOptionsNeedingMLIRText[] = {
    "mlir-print-ir-before",
    "mlir-print-ir-after",
    "mlir-print-ir-before-all",
    "mlir-print-ir-after-all",
    "mlir-print-ir-after-change",
    "mlir-print-ir-after-failure",
    "mlir-print-ir-tree-dir",
    "mlir-pass-pipeline-crash-reproducer",
    "mlir-elide-resource-strings-if-larger",
    "mlir-enable-debugger-hook",
    "mlir-debug-counter",
    "log-actions-to",
};

bool anyOptionGiven(llvm::ArrayRef<const char *> names) {
  auto &options = llvm::cl::getRegisteredOptions();
  return llvm::any_of(names, [&](const char *name) {
    auto it = options.find(name);
    return it != options.end() && it->second->getNumOccurrences() > 0;
  });
}

/// The first pass of a run whose input blobs were decoded ahead: gives the
/// blobs to the entries the parse declared, then verifies the program as
/// MlirOptMain does after parsing (the parse itself could not, the blobs
/// were not there yet). Also the one pass of a run without any, so that the
/// blobs are held out after it (see HoldBlobsBetweenPasses).
class LoadTextBlobs : public PassWrapper<LoadTextBlobs, OperationPass<>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LoadTextBlobs)

  explicit LoadTextBlobs(coreai::DecodedTextBlobs *decoded)
      : decoded(decoded) {}
  StringRef getName() const override { return "LoadTextBlobs"; }
  StringRef getArgument() const override { return "coreai-load-text-blobs"; }
  StringRef getDescription() const override {
    return "Gives the resource blobs decoded from the input text to their "
           "entries and verifies the program";
  }
  void runOnOperation() override {
    markAllAnalysesPreserved();
    if (!decoded)
      return;
    if (failed(decoded->attach(&getContext()))) {
      emitError(UnknownLoc::get(&getContext()))
          << "a resource blob lost its entry while parsing";
      return signalPassFailure();
    }
    if (failed(verify(getOperation())))
      signalPassFailure();
  }

private:
  coreai::DecodedTextBlobs *decoded;
};

/// True if `op` verifies; its diagnostics are dropped, as MLIR's printer
/// drops them when it checks whether to print the custom form.
bool verifiesQuietly(Operation *op) {
  const uint64_t thread = llvm::get_threadid();
  ScopedDiagnosticHandler quiet(op->getContext(), [&](Diagnostic &) {
    return success(llvm::get_threadid() == thread);
  });
  return succeeded(verify(op));
}

/// Holds the blobs out of the context after each top-level pass and puts
/// them back before the next, so that the program MlirOptMain prints at the
/// end has none.
///
/// MLIR's printer prints a program that does not verify in generic form;
/// without its blobs it would not verify (their sizes are checked). So the
/// program is known to verify before the blobs go (checked after the pass,
/// by the pass manager with --verify-each, else here), and the printer is
/// told to assume it (--mlir-print-assume-verified) while they are out. A
/// program that does not verify keeps its blobs and prints as it would.
class HoldBlobsBetweenPasses : public PassInstrumentation {
public:
  HoldBlobsBetweenPasses(coreai::BlobStash &stash, bool verifiedAfterPasses)
      : stash(stash), verifiedAfterPasses(verifiedAfterPasses) {
    auto &options = llvm::cl::getRegisteredOptions();
    auto it = options.find("mlir-print-assume-verified");
    if (it != options.end())
      assumeVerified = static_cast<llvm::cl::opt<bool> *>(it->second);
    if (assumeVerified)
      assumedByUser = *assumeVerified;
  }
  void runBeforePass(Pass *, Operation *op) override {
    if (op->getParentOp())
      return;
    stash.restore();
    if (assumeVerified)
      assumeVerified->setValue(assumedByUser);
  }
  void runAfterPass(Pass *pass, Operation *op) override {
    if (op->getParentOp() || !assumeVerified)
      return;
    // The first pass verifies the parsed program (or MLIR's parser did).
    bool verified = assumedByUser || isa<LoadTextBlobs>(pass) ||
                    verifiedAfterPasses || verifiesQuietly(op);
    if (verified && stash.stash())
      assumeVerified->setValue(true);
  }

private:
  coreai::BlobStash &stash;
  bool verifiedAfterPasses;
  llvm::cl::opt<bool> *assumeVerified = nullptr;
  bool assumedByUser = false;
};

/// A run of MlirOptMain with the fast blob hex path where it applies.
class TextRun {
public:
  TextRun(const MlirOptMainConfig &config, DialectRegistry &registry,
          std::unique_ptr<llvm::MemoryBuffer> input)
      : config(config), registry(registry), input(std::move(input)) {
    bool plain = coreai::fastTextBlobsEnabled() &&
                 config.inputSplitMarker().empty() &&
                 !config.shouldVerifyDiagnostics() &&
                 !config.shouldRunReproducer() &&
                 !config.shouldVerifyRoundtrip() &&
                 !config.shouldDumpPassPipeline() &&
                 !config.shouldUseExplicitModule() &&
                 config.shouldVerifyOnParsing() &&
                 config.getReproducerFilename().empty() &&
                 !anyOptionGiven(kOptionsNeedingMLIRText);
    if (!plain)
      return;
    fastPrint = !config.shouldEmitBytecode() &&
                !config.bytecodeVersionToEmit().has_value();
    // The context MlirOptMain creates is not there yet: decode on a pool
    // of our own, which honours --mlir-disable-threading as MlirOptMain's.
    decoded = coreai::DecodedTextBlobs::decode(
        this->input->getBuffer(), coreai::contextParallelFor(&poolContext));
    if (decoded) // the input's hex is no longer needed
      this->input = llvm::MemoryBuffer::getMemBuffer(
          decoded->parseText(), this->input->getBufferIdentifier());
  }

  /// Runs MlirOptMain, writing the output to `os`.
  bool run(llvm::raw_fd_ostream &os) {
    if (!decoded && !fastPrint)
      return succeeded(MlirOptMain(os, std::move(input), registry, config));
    // MlirOptMain gets a view of the input: blobs read from bytecode may
    // refer to it, and are written out after MlirOptMain returns.
    auto view = llvm::MemoryBuffer::getMemBuffer(
        input->getMemBufferRef(), /*RequiresNullTerminator=*/false);

    MlirOptMainConfig fastConfig = config;
    if (decoded)
      fastConfig.verifyOnParsing(false);
    fastConfig.setPassPipelineSetupFn([this](PassManager &pm) {
      return setUpPipeline(pm);
    });
    std::string printed;
    bool ok;
    {
      llvm::raw_string_ostream small(printed);
      llvm::raw_ostream &out =
          fastPrint ? static_cast<llvm::raw_ostream &>(small) : os;
      ok = succeeded(MlirOptMain(out, std::move(view), registry, fastConfig));
    }
    // MlirOptMain's context is gone; the blobs held out are ours now.
    if (stash)
      stash->forgetContext();
    if (!ok || !fastPrint)
      return ok;
    std::optional<coreai::SplicedText> text =
        stash ? stash->splice(std::move(printed))
              : coreai::SplicedText(std::move(printed), {});
    if (!text) {
      llvm::WithColor::error(llvm::errs(), "coreai-opt")
          << "the resource blobs of the output were not found where the "
             "printer puts them\n";
      return false;
    }
    return text->writeTo(
        [&](const char *data, size_t size) {
          os.write(data, size);
          return !os.has_error();
        },
        coreai::contextParallelFor(&poolContext));
  }

private:
  LogicalResult setUpPipeline(PassManager &pm) {
    Pass *first = nullptr;
    if (decoded) {
      auto load = std::make_unique<LoadTextBlobs>(&*decoded);
      first = load.get();
      pm.addPass(std::move(load));
    }
    if (failed(config.setupPassPipeline(pm)))
      return failure();
    if (first && (pm.size() == 0 || &*pm.begin() != first)) {
      // A textual --pass-pipeline replaced the passes: put ours back in
      // front of the same pipeline, parsed again from its text.
      std::string pipeline;
      llvm::raw_string_ostream os(pipeline);
      pm.printAsTextualPipeline(os);
      // "anchor(passes)": the passes go into `pm` itself.
      StringRef passes(pipeline);
      if (!passes.consume_front(pm.getOpAnchorName()) ||
          !passes.consume_front("(") || !passes.consume_back(")"))
        return emitError(UnknownLoc::get(pm.getContext()))
               << "unexpected pass pipeline text: " << pipeline;
      static_cast<OpPassManager &>(pm) =
          OpPassManager(pm.getOpAnchorName(), pm.getNesting());
      pm.addPass(std::make_unique<LoadTextBlobs>(&*decoded));
      if (!passes.empty() && failed(parsePassPipeline(passes, pm)))
        return failure();
    }
    if (!fastPrint)
      return success();
    // At least one top-level pass, so that the blobs are held out after it.
    if (pm.size() == 0)
      pm.addPass(std::make_unique<LoadTextBlobs>(nullptr));
    stash = std::make_unique<coreai::BlobStash>(pm.getContext());
    pm.addInstrumentation(std::make_unique<HoldBlobsBetweenPasses>(
        *stash, config.shouldVerifyPasses()));
    return success();
  }

  const MlirOptMainConfig &config;
  DialectRegistry &registry;
  std::unique_ptr<llvm::MemoryBuffer> input;
  MLIRContext poolContext;
  std::optional<coreai::DecodedTextBlobs> decoded;
  bool fastPrint = false;
  std::unique_ptr<coreai::BlobStash> stash;
};

} // namespace

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
  std::string_view text(input->getBufferStart(), input->getBufferSize());
  coreai::InputTextInfo info = coreai::inspectInputText(text);
  if (info.problem) {
    llvm::errs() << input->getBufferIdentifier() << ": error: " << *info.problem
                 << "\n";
    return 1;
  }

  // A program written with explicit locations prints them back.
  if (info.explicitLocations) {
    auto &options = llvm::cl::getRegisteredOptions();
    auto it = options.find("mlir-print-debuginfo");
    if (it != options.end() && it->second->getNumOccurrences() == 0)
      it->second->addOccurrence(0, "mlir-print-debuginfo", "");
  }

  TextRun run(config, registry, std::move(input));
  if (outputFilename == "-")
    return run.run(llvm::outs()) ? 0 : 1;

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
    ok = run.run(os);
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

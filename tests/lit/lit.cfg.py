# lit configuration for netc's command-line tests. Run through ctest, or by hand:
#   python3 /usr/lib/llvm-14/build/utils/lit/lit.py -sv tests/lit \
#     --param netc=build/bin/netc --param root=$PWD
import os

import lit.formats

config.name = "netc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test", ".netc"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)

root = os.path.abspath(lit_config.params.get("root", os.path.join(config.test_source_root, "..", "..")))
# Scratch files of the tests go to the build tree, not beside the sources.
config.test_exec_root = os.path.abspath(lit_config.params.get("exec_root", os.path.join(root, "build", "lit")))
netc = os.path.abspath(lit_config.params.get("netc", os.path.join(root, "build", "bin", "netc")))

config.substitutions.append(("%netc", netc))
config.substitutions.append(("%zoo", os.path.join(root, "dsl", "zoo")))
config.substitutions.append(("%examples", os.path.join(root, "dsl", "examples")))
config.substitutions.append(("%root", root))

# FileCheck and `not` come with Debian's llvm-14-tools.
config.environment["PATH"] = os.pathsep.join(["/usr/lib/llvm-14/bin", config.environment.get("PATH", os.environ["PATH"])])

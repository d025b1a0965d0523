"""The README's first Python example (a model converted by coreai-torch,
quantized, saved as an asset) runs as written, and the asset holds the
quantized program."""

from __future__ import annotations

import re
import subprocess
import sys

from interop_common import REPO


def test_readme_coreai_torch_example_runs(tmp_path):
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    example = next(b for b in blocks if "TorchConverter" in b)
    check = (
        "\nimport coreai.authoring\n"
        "loaded = coreai.authoring.AIModelAsset.load(Path('model.int4.aimodel')).program\n"
        "text = str(loaded)\n"
        "assert text.count('coreai.blockwise_shift_scale') == 2, text\n"
        "assert 'xsi4>' in text\n"
        "print('ok')\n")
    proc = subprocess.run([sys.executable, "-c", example + check], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().endswith("ok")

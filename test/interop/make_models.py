"""Converts small PyTorch models to Core AI programs with Apple's coreai-torch
and writes them to test/interop/models/<name>.mlir (custom print form).

Run once (needs requirements-interop.txt installed):
    .venv/bin/python test/interop/make_models.py
The outputs are committed; see models/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch import nn

OUT = Path(__file__).resolve().parent / "models"


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 128),
                                 nn.ReLU(), nn.Linear(128, 16))

    def forward(self, x):
        return self.net(x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 64, 3)
        self.fc = nn.Linear(64, 64)

    def forward(self, x):
        x = torch.relu(self.c1(x))
        x = torch.relu(self.c2(x))
        x = torch.relu(self.c3(x))
        return self.fc(x.mean(dim=(2, 3)))


class EmbLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(512, 64)
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 32)

    def forward(self, ids):
        return self.fc2(torch.relu(self.fc1(self.emb(ids))))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128,
                                                dropout=0.0, batch_first=True)

    def forward(self, x):
        return self.layer(x)


# name -> (module factory, example input factory)
MODELS = {
    "mlp": (MLP, lambda dt: torch.randn(4, 128, dtype=dt)),
    "conv": (CNN, lambda dt: torch.randn(1, 3, 12, 12, dtype=dt)),
    "emb_linear": (EmbLinear, lambda dt: torch.randint(0, 512, (2, 8), dtype=torch.int32)),
    "encoder": (Encoder, lambda dt: torch.randn(2, 8, 64, dtype=dt)),
}


def convert(model: nn.Module, example) -> str:
    import coreai_torch

    ep = torch.export.export(model, (example,), strict=False).run_decompositions()
    converter = coreai_torch.TorchConverter()
    converter.add_exported_program(ep)
    return str(converter.to_coreai())


def main(argv) -> int:
    OUT.mkdir(exist_ok=True)
    failures = []
    names = argv or list(MODELS)
    for name in names:
        factory, example = MODELS[name]
        for dtype, suffix in ((torch.float32, "f32"), (torch.float16, "f16")):
            torch.manual_seed(0)
            model = factory().eval().to(dtype)
            try:
                with torch.no_grad():
                    text = convert(model, example(dtype))
            except Exception as e:  # noqa: BLE001 - report and go on
                failures.append(f"{name}.{suffix}: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
                continue
            path = OUT / f"{name}.{suffix}.mlir"
            path.write_text(text)
            print(f"wrote {path.name}: {path.stat().st_size} bytes")
    for f in failures:
        print("FAILED", f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

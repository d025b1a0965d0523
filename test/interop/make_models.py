"""Converts small PyTorch models to Core AI programs with Apple's coreai-torch
and writes them to test/interop/models/: MODELS as <name>.{f32,f16}.mlir (custom print
form); PROGRAMS (f32) as <name>.mlir and <name>.generic.mlir, some also with debug info.

Run once (needs requirements-interop.txt installed):
    .venv/bin/python test/interop/make_models.py [name ...]
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


# --- Programs saved in both print forms (f32 only): test/Dialect/CoreAI/models/ --------------


class CNNPoolUpsample(nn.Module):
    """Conv + BatchNorm + MaxPool2d / AvgPool2d, nearest and bilinear Upsample, concat."""

    def __init__(self):
        super().__init__()
        self.c1, self.bn1 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.c2, self.bn2 = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.maxpool, self.avgpool = nn.MaxPool2d(2), nn.AvgPool2d(2)
        self.up_nearest = nn.Upsample(scale_factor=2, mode="nearest")
        self.up_bilinear = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.head = nn.Conv2d(16, 4, 1)

    def forward(self, x):
        a = torch.relu(self.bn1(self.c1(x)))      # 8x16x16
        p = self.maxpool(a)                       # 8x8x8
        b = torch.relu(self.bn2(self.c2(p)))      # 8x8x8
        q = self.avgpool(b)                       # 8x4x4
        y = torch.cat([self.up_nearest(q) + p, self.up_bilinear(q)], dim=1)  # 16x8x8
        return self.up_nearest(self.head(y))      # 4x16x16


class GeluMLP(nn.Module):
    """LayerNorm, GELU (exact and tanh), Softmax."""

    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(32)
        self.f1, self.f2, self.f3 = nn.Linear(32, 64), nn.Linear(64, 64), nn.Linear(64, 10)
        self.gelu, self.gelu_tanh = nn.GELU(), nn.GELU(approximate="tanh")

    def forward(self, x):
        h = self.gelu(self.f1(self.ln(x)))
        h = self.gelu_tanh(self.f2(h))
        return torch.softmax(self.f3(h), dim=-1)


class TransformerBlock(nn.Module):
    """Pre-norm block, hand-written causal multi-head attention (masked_fill -inf) + GELU FFN."""

    def __init__(self, d=32, heads=4, ff=64):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))

    def forward(self, x):
        b, t, d = x.shape
        hd = d // self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (z.view(b, t, self.heads, hd).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / hd ** 0.5)
        mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
        att = torch.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.ff(self.ln2(x))


class CondModel(nn.Module):
    """torch.cond on a data-dependent predicate -> coreai.if."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda x: torch.relu(self.fc(x)),
                          lambda x: torch.sigmoid(x) * 2, (x,))


class WhileModel(nn.Module):
    """torch._higher_order_ops.while_loop -> coreai.while."""

    def forward(self, x):
        from torch._higher_order_ops.while_loop import while_loop

        i = torch.zeros((), dtype=torch.int64)
        return while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2 + 1), (i, x))[1]


# name -> (module factory, example input, also print with debug info?)
PROGRAMS = {
    "cnn_pool_upsample": (CNNPoolUpsample, lambda: torch.randn(1, 3, 16, 16), False),
    "gelu_mlp": (GeluMLP, lambda: torch.randn(4, 32), True),
    "transformer_block": (TransformerBlock, lambda: torch.randn(2, 8, 32), False),
    "cond": (CondModel, lambda: torch.randn(4, 8), False),
    "while_loop": (WhileModel, lambda: torch.randn(4, 8), False),
}


# Source directories as the debug info names them: this script's directory is spelt /src and
# the directory torch is installed in /site-packages, so that the programs name no directory
# of the machine that made them (the files are not found there: their sha256Sum is empty).
SOURCE_DIRS = {
    str(Path(__file__).resolve().parent): "/src",
    str(Path(torch.__file__).resolve().parent.parent): "/site-packages",
}


def neutralize_source_paths(ep) -> None:
    """Rewrites the file names of the stack traces the converter turns into locations."""
    for module in ep.graph_module.modules():
        graph = getattr(module, "graph", None)
        for node in graph.nodes if graph is not None else ():
            trace = node.meta.get("stack_trace")
            if trace:
                for real, neutral in SOURCE_DIRS.items():
                    trace = trace.replace(f'File "{real}/', f'File "{neutral}/')
                node.meta["stack_trace"] = trace


def convert_program(model: nn.Module, example):
    import coreai_torch

    ep = torch.export.export(model, (example,), strict=False).run_decompositions()
    neutralize_source_paths(ep)
    converter = coreai_torch.TorchConverter()
    converter.add_exported_program(ep)
    return converter.to_coreai()


def convert(model: nn.Module, example) -> str:
    return str(convert_program(model, example))


def write_program(name: str, failures: list) -> None:
    """<name>.mlir (custom form), <name>.generic.mlir (generic form) and, if asked,
    <name>.debuginfo{,.generic}.mlir (with Apple's #debuginfo locations)."""
    factory, example, debug = PROGRAMS[name]
    torch.manual_seed(0)
    model = factory().eval()
    try:
        with torch.no_grad():
            program = convert_program(model, example())
    except Exception as e:  # noqa: BLE001 - report and go on
        failures.append(f"{name}: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
        return
    op = program._module._mlir_module.operation
    texts = {f"{name}.mlir": str(program),
             f"{name}.generic.mlir": op.get_asm(print_generic_op_form=True)}
    if debug:
        texts[f"{name}.debuginfo.mlir"] = op.get_asm(enable_debug_info=True)
        texts[f"{name}.debuginfo.generic.mlir"] = op.get_asm(enable_debug_info=True,
                                                             print_generic_op_form=True)
    for fname, text in texts.items():
        path = OUT / fname
        path.write_text(text)
        print(f"wrote {path.name}: {path.stat().st_size} bytes")


def main(argv) -> int:
    OUT.mkdir(exist_ok=True)
    failures = []
    names = argv or list(MODELS) + list(PROGRAMS)
    for name in names:
        if name in PROGRAMS:
            write_program(name, failures)
            continue
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

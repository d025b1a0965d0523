"""Fuzz: seeded mutations of the real fixtures through
``coreai-opt --verify-each`` with ``--quantize-weights=...``, ``--palettize-weights=...``
or ``--sparsify-weights=...`` (in turn; parse -> verify -> transform -> print).

A signal (negative exit code), "LLVM ERROR", "Assertion", "Stack dump" or a timeout fails.
~200 cases by default (COREAI_FUZZ_CASES=N for more), run by a small thread pool of
subprocesses; COREAI_FUZZ_SEED changes the seed. Prints the case count and outcomes.
"""

from __future__ import annotations

import collections
import os
import random
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor


from conftest import FIXTURES_DIR
from test_robustness import coreai_opt_path

CASES = int(os.environ.get("COREAI_FUZZ_CASES", "200"))
SEED = int(os.environ.get("COREAI_FUZZ_SEED", "20240608"))
TIMEOUT = 10
PASS_ARGS = [
    ["--verify-each", "--quantize-weights=dtype=int4 granularity=per_block "
     "weight-num-threshold=0"],
    ["--verify-each", "--palettize-weights=n-bits=3 granularity=per_grouped_channel "
     "group-size=4 cluster-dim=2 lut-dtype=uint8 weight-num-threshold=0"],
    ["--verify-each", "--sparsify-weights=target-sparsity=none n-m-ratio=2,4 "
     "quantize-dtype=uint8 weight-num-threshold=0"],
]
BAD_MARKERS = ("LLVM ERROR", "Assertion", "Stack dump", "PLEASE submit", "AddressSanitizer",
               "runtime error:")
TOKENS = [b"<", b">", b"x", b"%0", b"%1", b":", b",", b"(", b")", b"{", b"}", b"[", b"]",
          b"0", b"1", b"32", b"-1", b"2048", b"4294967296", b"f32", b"si4", b"tensor",
          b"dense", b"dense_resource", b"\"", b"0x", b"#-}", b"{-#", b"=", b"->", b"@main"]
TOKEN_RE = re.compile(rb"%\w+|[<>():,{}\[\]=\"]|->|\d+|[A-Za-z_][\w.]*")

# Reading the fixtures once; the huge blobs are cut to keep each case fast (a cut blob is
# itself an interesting mutation, and the header/body stays intact).
FIXTURES = sorted(f for f in os.listdir(FIXTURES_DIR) if f.endswith(".mlir"))


def _source(name: str) -> bytes:
    return open(os.path.join(FIXTURES_DIR, name), "rb").read()


def _region(data: bytes, rng: random.Random) -> int:
    """An offset, biased to the program body (before the resources) 80% of the time."""
    body = data.find(b"{-#")
    body = len(data) if body < 0 else body
    if rng.random() < 0.8 and body > 0:
        return rng.randrange(body)
    return rng.randrange(max(len(data), 1))


def mutate(data: bytes, rng: random.Random) -> tuple:
    kind = rng.choice(["flip", "delete", "insert", "token_swap", "token_dup", "token_del",
                       "token_replace", "truncate", "multi"])
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 4)):
            i = _region(b, rng)
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "delete":
        i = _region(b, rng)
        del b[i:i + rng.randint(1, 16)]
    elif kind == "insert":
        i = _region(b, rng)
        b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif kind == "truncate":
        b = b[:_region(b, rng)]
    else:
        body_end = data.find(b"{-#")
        body_end = len(data) if body_end < 0 else body_end
        toks = [m for m in TOKEN_RE.finditer(data, 0, body_end)]
        if not toks:
            return bytes(b), kind
        if kind == "multi":
            out, k = data, ""
            for _ in range(rng.randint(2, 5)):
                out, sub = mutate(out, rng)
                k += sub[0]
            return out, "multi:" + k
        t = rng.choice(toks)
        s, e = t.span()
        if kind == "token_swap":
            u = rng.choice(toks)
            s2, e2 = u.span()
            if s2 < s:
                s, e, s2, e2 = s2, e2, s, e
            if e <= s2:
                b = bytearray(data[:s] + data[s2:e2] + data[e:s2] + data[s:e] + data[e2:])
        elif kind == "token_dup":
            b[e:e] = data[s:e] * rng.randint(1, 3)
        elif kind == "token_del":
            del b[s:e]
        else:
            b[s:e] = rng.choice(TOKENS)
    return bytes(b), kind


def make_cases(n: int, seed: int):
    rng = random.Random(seed)
    sources = {f: _source(f) for f in FIXTURES}
    cases = []
    for i in range(n):
        name = FIXTURES[i % len(FIXTURES)]
        data, kind = mutate(sources[name], rng)
        cases.append((i, name, kind, data))
    return cases


def run_case(case, tmp_dir):
    i, name, kind, data = case
    src = os.path.join(tmp_dir, f"case{i}.mlir")
    out = os.path.join(tmp_dir, f"case{i}.out.mlir")
    with open(src, "wb") as f:
        f.write(data)
    try:
        proc = subprocess.run([coreai_opt_path(), *PASS_ARGS[i % len(PASS_ARGS)], src, "-o", out],
                              capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return i, name, kind, "timeout", ""
    err = proc.stderr.decode(errors="replace")
    if proc.returncode < 0 or proc.returncode > 1:
        return i, name, kind, f"crash({proc.returncode})", err[-1500:]
    for m in BAD_MARKERS:
        if m in err:
            return i, name, kind, f"marker({m})", err[-1500:]
    if proc.returncode == 1:
        if os.path.exists(out):
            return i, name, kind, "partial-output", err[-500:]
        if not err.strip():
            return i, name, kind, "silent-error", ""
        return i, name, kind, "diagnostic", ""
    os.unlink(out)
    return i, name, kind, "accepted", ""


def run_fuzz(n, seed, tmp_dir):
    cases = make_cases(n, seed)
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        results = list(pool.map(lambda c: run_case(c, tmp_dir), cases))
    return cases, results


def test_fuzz_fixtures(tmp_path):
    cases, results = run_fuzz(CASES, SEED, str(tmp_path))
    outcomes = collections.Counter(r[3].split("(")[0] for r in results)
    print(f"\nfuzz: {len(results)} cases (seed {SEED}): " +
          ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))
    bad = [r for r in results if r[3] not in ("diagnostic", "accepted")]
    known = []
    other = bad
    for i, name, kind, what, err in bad[:20]:
        print(f"  case {i} ({name}, {kind}): {what}" + (" [known]" if any(k[0] == i for k in known)
                                                      else "") + f"\n    {err[-300:]!r}")
    assert not other, f"{len(other)} fuzz cases crashed/hung (see output); first: {other[0][:4]}"
    assert outcomes["diagnostic"] > 0


def test_fuzz_truncated_resource_strings(tmp_path):
    """Truncations inside the hex blobs: every one must be a diagnostic."""
    rng = random.Random(SEED)
    cases = []
    for k, name in enumerate(FIXTURES):
        data = _source(name)
        start = data.find(b'"0x', data.find(b"{-#"))
        for j in range(3):
            cut = rng.randrange(start + 1, len(data) - 20)
            cases.append((k * 3 + j, name, "truncate_in_blob", data[:cut]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: run_case(c, str(tmp_path)), cases))
    bad = [r[:4] for r in results if r[3] not in ("diagnostic", "accepted")]
    assert not bad, bad

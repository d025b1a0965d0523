#!/usr/bin/env python3
"""Generates the census round-trip tests from coreai_syntax.json.

For every op of the census (docs/spec/COREAI_SYNTAX.md; the same data is
utils/coreai_syntax.json, beside this script), its custom line, the line with
a discardable attribute and every variant (except the four that Apple's own
tools cannot read back or verify) are wrapped in a `coreai.graph` whose
arguments and leading `"census.def"` ops define the `%argN` / `%N` values the
line uses, with types read off the line's own type lists. `yield` and
`condition` lines are also put inside an `if` / `while` so they verify.

Output (committed): test/Dialect/CoreAI/census/Inputs/<op>.mlir holds the
wrapped instances, split by `// -----` exactly as `coreai-opt
--split-input-file` prints them, and test/Dialect/CoreAI/census/<op>.mlir
checks that they print back byte for byte, both directly and through the
generic form.

Usage: utils/gen_census_tests.py [path/to/coreai_syntax.json]
(default: utils/coreai_syntax.json)
"""
import json
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_JSON = os.path.join(ROOT, "utils", "coreai_syntax.json")
OUT_DIR = os.path.join(ROOT, "test", "Dialect", "CoreAI", "census")

# Out of scope (docs/spec/COREAI_DIALECT.md): not readable or not valid in Apple's tool.
SKIPPED_VARIANTS = {
    ("coreai.if", "no_results_no_else"),
    ("coreai.yield", "zero"),
    ("coreai.graph", "all_three"),
    ("coreai.invoke", "nested_ref"),
}

OPEN = "([{<"
CLOSE = ")]}>"


def scan_top_level(text):
    """Yields (index, char, depth) outside string literals; `->` is no bracket."""
    depth = 0
    in_string = False
    i = 0
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "-" and text[i + 1:i + 2] == ">":
            yield i, "->", depth
            i += 2
            continue
        elif c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth -= 1
        else:
            yield i, c, depth
        i += 1


def find_top_level(text, needle):
    """Index of the first top-level occurrence of `needle`, or -1."""
    for i, _, depth in scan_top_level(text):
        if depth == 0 and text.startswith(needle, i):
            return i
    return -1


def split_top_level(text):
    parts, start = [], 0
    for i, c, depth in scan_top_level(text):
        if c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if text.strip():
        parts.append(text[start:].strip())
    return parts


def strip_trailing_dict(text):
    """Drops a trailing top-level `{...}` (an attribute dictionary)."""
    text = text.rstrip()
    if not text.endswith("}"):
        return text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            depth -= 1
            if depth == 0:
                return text[:i].rstrip()
    return text


def full_type(t):
    """Restores the dialect prefix the op printer strips from coreai types."""
    if t.startswith("<<"):
        return "!coreai.image" + t
    if t.startswith("<"):
        return "!coreai.handle" + t
    return t


def operand_types(type_part):
    type_part = strip_trailing_dict(type_part.strip())
    if type_part.startswith("("):
        depth = 0
        for i, c in enumerate(type_part):
            depth += c == "("
            depth -= c == ")"
            if depth == 0:
                inner = type_part[1:i]
                break
        return [full_type(strip_trailing_dict(t)) for t in split_top_level(inner)]
    for sep in (" -> ", " to "):
        i = find_top_level(type_part, sep)
        if i >= 0:
            return [full_type(type_part[:i].strip())]
    return [full_type(t) for t in split_top_level(type_part)]


RESULTS_RE = re.compile(r"^((?:%[\w]+(?::\d+)?)(?:, %[\w]+)*) = ")
VALUE_RE = re.compile(r"%[A-Za-z_0-9]+")
STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def analyse(snippet):
    """Values the snippet uses but does not define, with their types."""
    defined, used = set(), {}

    def record(header, type_part):
        m = RESULTS_RE.match(header)
        if m:
            for r in m.group(1).split(", "):
                defined.add(r.split(":")[0])
            header = header[m.end():]
        names = VALUE_RE.findall(STRING_RE.sub('""', header))
        types = operand_types(type_part) if type_part is not None else []
        for name, t in zip(names, types):
            used.setdefault(name, t)
        for name in names[len(types):]:
            used.setdefault(name, None)

    stack = []
    for raw in snippet.split("\n"):
        line = raw.strip()
        if line.startswith("^bb"):
            for name, t in re.findall(r"(%[\w]+): ([^,)]+(?:<[^>]*>)?)", line):
                defined.add(name)
            continue
        if line.startswith("}"):
            if line.endswith("{"):  # `} else {`, `} do {`
                continue
            header, type_part = stack.pop()
            if type_part is None:
                i = line.find(" : ")
                type_part = line[i + 3:] if i >= 0 else None
            record(header, type_part)
            continue
        if line.endswith("{") and "coreai.graph" not in line:
            body = line[:-1].rstrip()
            i = find_top_level(body, " : ")
            if i >= 0:
                stack.append((body[:i], body[i + 3:]))
            else:
                stack.append((body, None))
            continue
        if line.startswith("coreai.graph") or not line:
            continue
        i = find_top_level(line, " : ")
        if i >= 0:
            record(line[:i], line[i + 3:])
        else:
            record(line, None)
    free = {n: t for n, t in used.items() if n not in defined}
    return free


def indent(text, n):
    pad = " " * n
    return "\n".join(pad + l if l else l for l in text.split("\n"))


def wrap(op, snippet):
    if op == "coreai.graph":
        return "module {\n" + indent(snippet, 2) + "\n}\n"
    free = analyse(snippet)
    args = {int(n[4:]): t for n, t in free.items() if n.startswith("%arg")}
    defs = {int(n[1:]): t for n, t in free.items() if n[1:].isdigit()}
    default = "tensor<f32>"
    n_args = max(args) + 1 if args else 0
    n_defs = max(defs) + 1 if defs else 0
    sig = ", ".join(f"%arg{i}: {args.get(i) or default}" for i in range(n_args))
    body = [f'%{i} = "census.def"() : () -> {defs.get(i) or default}'
            for i in range(n_defs)]
    if op == "coreai.yield":
        # yield needs a parent: an `if` with the line in both regions.
        types = operand_types(snippet.split(" : ", 1)[1]) if " : " in snippet else []
        cond = n_defs
        body.append(f'%{cond} = "census.def"() : () -> tensor<i1>')
        res = f"%{cond + 1}" + (f":{len(types)}" if len(types) > 1 else "")
        body.append(f"{res} = coreai.if %{cond} {{\n{indent(snippet, 2)}\n}} else {{\n"
                    f"{indent(snippet, 2)}\n}} : tensor<i1> -> {', '.join(types)}")
    elif op == "coreai.condition":
        # condition ends the `before` region of a while looping over its args.
        head, type_part = snippet.split(" : ", 1)
        names = VALUE_RE.findall(head)[1:]
        types = operand_types(type_part)[1:]
        res = f"%{n_defs}" + (f":{len(types)}" if len(types) > 1 else "")
        bb = ", ".join(f"%arg{n_args + i}: {t}" for i, t in enumerate(types))
        bb_names = ", ".join(f"%arg{n_args + i}" for i in range(len(types)))
        tl = ", ".join(types)
        body.append(f"{res} = coreai.while {', '.join(names)} {{\n^bb0({bb}):\n"
                    f"{indent(snippet, 2)}\n}} do {{\n^bb0({bb}):\n"
                    f"  coreai.yield {bb_names} : {tl}\n}} : ({tl}) -> ({tl})")
    else:
        body.append(snippet)
    results = ""
    if op == "coreai.output":
        # The line is the graph's terminator: the graph returns its operands.
        types = operand_types(snippet.split(" : ", 1)[1]) if " : " in snippet else []
        if len(types) == 1:
            results = " -> " + types[0]
        elif types:
            results = " -> (" + ", ".join(types) + ")"
    else:
        body.append("coreai.output")
    text = ("module {\n  coreai.graph @census(" + sig + ")" + results + " {\n" +
            indent("\n".join(body), 4) + "\n  }\n}\n")
    for blob in re.findall(r"dense_resource<([\w.]+)> : (tensor<[^>]*>)", snippet):
        text += resources(*blob)
    return text


def resources(name, type_):
    """A `dialect_resources` section holding a zero blob of the right size."""
    shape = type_[len("tensor<"):-1].split("x")
    elt = shape.pop()
    count = 1
    for d in shape:
        count *= int(d)
    bits = int(re.search(r"\d+", elt).group()) if re.search(r"\d+", elt) else 8
    size = count * bits // 8
    return ("\n{-#\n  dialect_resources: {\n    builtin: {\n      " + name +
            ': "0x04000000' + "00" * size + '"\n    }\n  }\n#-}\n')


def instances(op):
    yield "base", op["custom_printed"]
    yield "discardable_attr", op["printed_with_discardable_attr"]
    for name, v in op["variants"].items():
        if (op["op"], name) in SKIPPED_VARIANTS:
            continue
        yield name, v["custom"]


TEST_TEMPLATE = """\
// Generated by utils/gen_census_tests.py from coreai_syntax.json; do not edit.
// Census instances of `{op}` ({names}) print back byte for byte, verified,
// and their generic form reads back into the same custom text.
// RUN: coreai-opt --split-input-file %S/Inputs/{file} -o %t
// RUN: %compare %S/Inputs/{file} %t
// RUN: coreai-opt --split-input-file --mlir-print-op-generic %S/Inputs/{file} -o %t.generic
// RUN: coreai-opt --split-input-file %t.generic -o %t.custom
// RUN: %compare %S/Inputs/{file} %t.custom
"""


# Not in the census: `#debuginfo` attributes used as locations (registered
# `debuginfo` dialect), as programs printed with debug information use them.
DEBUGINFO_INPUT = """\
#file = #debuginfo.file<filename = "f.py", directory = "", sha256Sum = "">
#loc = loc("f.py":3:0)
#compile_unit = #debuginfo.compile_unit<sourceLanguage = "DW_LANG_Python", file = #file, producer = "ODIE", optimized = false, flags = "">
#subprogram = #debuginfo.subprogram<compileUnit = #compile_unit, file = #file, name = "main", linkageName = "main"> : !debuginfo.unresolved<(tensor<4xf32>) -> tensor<4xf32>>
#loc1 = #debuginfo.location<#loc in #subprogram>
module {
  coreai.graph @main(%arg0: tensor<4xf32> loc(#loc1)) -> tensor<4xf32> {
    %0 = coreai.abs %arg0 : tensor<4xf32> -> tensor<4xf32> loc(#loc2)
    coreai.output %0 : tensor<4xf32> loc(#loc1)
  } loc(#loc1)
} loc(#loc1)
#metadata = #debuginfo.metadata<"op_id": {type = "coreai", value = 0 : ui64}>
#loc2 = #debuginfo.location<#loc in @main fused with [#loc1] metadata = [#metadata]>
"""


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT_JSON
    with open(path) as f:
        census = json.load(f)
    inputs = os.path.join(OUT_DIR, "Inputs")
    if os.path.isdir(OUT_DIR):
        shutil.rmtree(OUT_DIR)
    os.makedirs(inputs)
    count = 0
    for op in census["ops"]:
        name = op["op"][len("coreai."):]
        chunks, names = [], []
        for variant, snippet in instances(op):
            chunks.append(wrap(op["op"], snippet))
            names.append(variant)
        count += len(chunks)
        file = name + ".mlir"
        with open(os.path.join(inputs, file), "w") as f:
            f.write("\n// -----\n".join(chunks))
        with open(os.path.join(OUT_DIR, file), "w") as f:
            f.write(TEST_TEMPLATE.format(op=op["op"], names=", ".join(names),
                                         file=file))
    with open(os.path.join(inputs, "debuginfo_locations.mlir"), "w") as f:
        f.write(DEBUGINFO_INPUT)
    with open(os.path.join(OUT_DIR, "debuginfo_locations.mlir"), "w") as f:
        f.write(TEST_TEMPLATE.format(op="#debuginfo locations",
                                     names="not a census op",
                                     file="debuginfo_locations.mlir"))
    print(f"{len(census['ops'])} ops, {count} instances -> {OUT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

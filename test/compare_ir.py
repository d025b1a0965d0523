"""Compares two MLIR files byte for byte, ignoring trailing newlines.

lit's internal shell has no process substitution; round-trip tests print to
a file and call this. Exits 1 with the first differing line on a mismatch.
"""
import sys


def main(expected_path: str, actual_path: str) -> int:
    with open(expected_path, "rb") as f:
        expected = f.read().rstrip(b"\n")
    with open(actual_path, "rb") as f:
        actual = f.read().rstrip(b"\n")
    if expected == actual:
        return 0
    exp_lines, act_lines = expected.split(b"\n"), actual.split(b"\n")
    for i, (e, a) in enumerate(zip(exp_lines, act_lines), start=1):
        if e != a:
            print(f"line {i} differs:\n  expected: {e[:300]!r}\n  actual:   {a[:300]!r}")
            return 1
    print(f"line counts differ: expected {len(exp_lines)}, actual {len(act_lines)}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

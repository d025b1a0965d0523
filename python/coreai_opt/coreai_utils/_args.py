"""Argument checks shared by the transforms' Python APIs (TypeErrors for
wrong types; the values themselves are validated by the passes' one option
parser, through ``_coreai``)."""

from __future__ import annotations


def enum_value(value, enum_type, name: str) -> str:
    if isinstance(value, enum_type):
        return value.value
    if isinstance(value, str):
        try:
            return enum_type(value.lower()).value
        except ValueError:
            return value  # rejected with the reference's message below
    raise TypeError(f"{name} must be a {enum_type.__name__}, got {type(value).__name__}")


def int_arg(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"{name} is out of range (got {value})")
    return value


def bool_arg(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value

"""Figures written the Vietnamese way."""

from __future__ import annotations


def percent(part: int, whole: int, decimals: int = 1) -> str:
    """Vietnamese percentage with a decimal comma: ``89,3%`` (25/28), ``102,78%`` with 2 decimals."""
    if not whole:
        return "0%"
    text = f"{100 * part / whole:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"

"""Vietnamese text: normalisation, tone placement, folding, document numbers and dates."""

from docservice.text.figures import percent
from docservice.text.vietnamese import (
    exact_text,
    fold,
    fold_same_length,
    fold_word,
    folded_text,
    has_marks,
    normalize,
    normalize_word,
    number_key,
    number_parts,
    tokens,
)

__all__ = ["exact_text", "fold", "fold_same_length", "fold_word", "folded_text", "has_marks", "normalize",
           "normalize_word", "number_key", "number_parts", "percent", "tokens"]

"""Vietnamese text: normalisation, tone placement, folding, document numbers and dates."""

from docservice.text.vietnamese import (
    fold,
    fold_word,
    has_marks,
    normalize,
    normalize_word,
    number_key,
    number_parts,
    tokens,
)

__all__ = ["fold", "fold_word", "has_marks", "normalize", "normalize_word", "number_key", "number_parts", "tokens"]

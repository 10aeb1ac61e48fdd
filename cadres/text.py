"""Kept for existing imports: the text helpers live in ``common.text``."""

from common.text import fold, nfc, normalize_text_fields

__all__ = ["fold", "nfc", "normalize_text_fields"]

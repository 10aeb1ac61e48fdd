"""Vietnamese text helpers shared by every app: NFC on the way in, accent folding for search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """NFC, trimmed, inner runs of white space collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Lower case without diacritics: "Nguyễn Thị Đào" → "nguyen thi dao".

    "đ" is a letter of its own in Unicode, not d + a mark, so NFD leaves it alone and it
    is mapped by hand. Works on NFC and NFD input alike.
    """
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def normalize_text_fields(instance) -> None:
    """NFC-normalise every text field of a model instance in place."""
    for field in instance._meta.concrete_fields:
        if field.get_internal_type() in {"CharField", "TextField", "EmailField"}:
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                if field.get_internal_type() == "TextField":
                    setattr(instance, field.attname, unicodedata.normalize("NFC", value).strip())
                else:
                    setattr(instance, field.attname, nfc(value))

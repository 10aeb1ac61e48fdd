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


def ascii_digits(value: str) -> str:
    """An identifier's digits as stored and compared: NFKC (full-width "０５２" becomes "052"),
    without the spaces, dots and dashes people group them with. Digits NFKC leaves alone
    (Arabic-Indic "٠٥٢"…) stay, for ``is_ascii_number`` to refuse."""
    return re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", value))


def is_ascii_number(value: str, length: int) -> bool:
    """Exactly ``length`` of the digits 0–9 (``\\d`` would also take "٠" or "０")."""
    return re.fullmatch(rf"[0-9]{{{length}}}", value) is not None


def phone_text(value: str) -> str:
    """A phone number as typed, NFKC (full-width digits become ASCII) with spacing collapsed:
    the grouping people write ("0905 123 456") is kept."""
    return nfc(unicodedata.normalize("NFKC", value))


def is_phone_number(value: str) -> bool:
    """8 to 20 characters of the digits 0–9, spaces, dots, dashes and brackets, after an
    optional leading +."""
    return re.fullmatch(r"\+?[0-9 .()\-]{8,20}", value) is not None


def positive_id(value) -> int | None:
    """A database id typed into a URL or posted by a form, or None: not a number, not positive,
    or past what the databases store (SQLite overflows on a huge one)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def thousands(value: int) -> str:
    """A whole number as Vietnamese write it, thousands apart with dots: "1.000"."""
    return f"{value:,}".replace(",", ".")

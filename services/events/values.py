"""Reading single JSON values as Django REST framework reads them, with its messages.

Each reader returns the Python value or raises :class:`Invalid` with DRF's message for that field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.common.errors import too_long

DEFAULT_LOCALE = "en"
#: the locales pretix 2026.8 knows (its LANGUAGES setting): the keys a multi-lingual string may use
LOCALES = frozenset(
    [
        "en",
        "de",
        "de-informal",
        "ar",
        "eu",
        "ca",
        "zh-hans",
        "zh-hant",
        "cs",
        "hr",
        "da",
        "nl",
        "nl-informal",
        "fr",
        "fi",
        "el",
        "he",
        "hu",
        "id",
        "it",
        "ja",
        "lv",
        "nb-no",
        "pl",
        "pt-pt",
        "ro",
        "ru",
        "sk",
        "sv",
        "es",
        "es-419",
        "th",
        "tr",
        "uk",
    ]
)
DATETIME_FORMATS = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
DATETIME_OUT_OF_RANGE = "Datetime value out of range."
TRUE_VALUES = frozenset({True, "true", "True", "TRUE", "1", "yes", "on"})
FALSE_VALUES = frozenset({False, "false", "False", "FALSE", "0", "no", "off"})


class Invalid(ValueError):
    """One field's error message."""


def type_name(value: Any) -> str:
    return {list: "list", dict: "dict", str: "str", int: "int", float: "float", bool: "bool"}.get(
        type(value), "NoneType"
    )


def boolean(value: Any) -> bool:
    if isinstance(value, (bool, int, str)):
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
    raise Invalid("Must be a valid boolean.")


def text(value: Any) -> str:
    """DRF's CharField: a number is taken as its text, anything else but a string refused."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Invalid("Not a valid string.")
    if not value.strip():
        raise Invalid("This field may not be blank.")
    return value


def multilingual(value: Any, max_length: int | None = None) -> dict[str, str]:
    """``{"en": "…", "de": "…"}``; a plain string is the default locale's text. pretix's
    (django-i18nfield's) messages; an empty text is refused where pretix would store it, and a
    text longer than `max_length` (per language) too."""
    if isinstance(value, str):
        value = {DEFAULT_LOCALE: value}
    if not isinstance(value, dict):
        raise Invalid("Invalid data type.")
    if not all(isinstance(string, str) for string in value.values()):
        raise Invalid("All entries must be strings.")
    if not all(locale in LOCALES for locale in value):
        raise Invalid("Invalid languages included.")
    cleaned = {locale: string for locale, string in value.items() if string.strip()}
    if not cleaned:
        raise Invalid("This field is required.")
    if max_length is not None and any(len(string) > max_length for string in cleaned.values()):
        raise Invalid(too_long(max_length))
    return cleaned


def moment(value: Any) -> datetime:
    """An ISO 8601 datetime as Django reads it (a date alone is its midnight); one without an
    offset is taken as UTC, pretix's default time zone. One that is not a moment in UTC's years
    1 to 9999 (``0001-01-01T00:00+01:00``) is out of range, as Django REST framework says."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            try:
                parsed.astimezone(UTC)
            except OverflowError:
                raise Invalid(DATETIME_OUT_OF_RANGE) from None
            return parsed
    raise Invalid(
        f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMATS}."
    )


def number(value: Any) -> float:
    if isinstance(value, bool):
        raise Invalid("A valid number is required.")
    try:
        parsed = float(value)
    except (TypeError, ValueError):
        raise Invalid("A valid number is required.") from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        raise Invalid("A valid number is required.")
    return parsed


def within(value: float, low: float, high: float) -> float:
    if value > high:
        raise Invalid(f"Ensure this value is less than or equal to {high:g}.")
    if value < low:
        raise Invalid(f"Ensure this value is greater than or equal to {low:g}.")
    return value


def iso(moment_: datetime | None) -> str | None:
    """UTC, with ``Z``, as pretix writes datetimes."""
    if moment_ is None:
        return None
    return moment_.astimezone(UTC).isoformat().replace("+00:00", "Z")

"""User and item ids are GUIDs: read in the 32-hex or the dashed form, always written as 32 hex."""

from __future__ import annotations

import re

from services.common.errors import BadRequest

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_DASHED = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def parse_guid(value: object, name: str) -> str:
    """`value` as 32 lower-case hex digits; BadRequest naming the parameter otherwise.

    Only Jellyfin's two forms are accepted ("N" and "D"), not every spelling ``uuid.UUID`` reads.
    """
    text = value.strip().lower() if isinstance(value, str) else ""
    if _HEX32.match(text):
        return text
    if _DASHED.match(text):
        return text.replace("-", "")
    raise BadRequest(f"The value '{value}' is not a valid GUID for {name}.")


def optional_guid(value: object, name: str) -> str | None:
    """A GUID, or None when the parameter is absent or empty."""
    if value is None or value == "":
        return None
    return parse_guid(value, name)

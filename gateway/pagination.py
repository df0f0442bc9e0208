"""pretix's pagination: 50 per page, ``?page=N``, absolute ``next``/``previous`` links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request

from gateway.addresses import public_url
from services.common.errors import NotFound

PAGE_SIZE = 50
#: no list has more pages; a larger number is past the end without asking (its offset would not
#: fit in 64 bits)
MAX_PAGE = 10**12


def page_number(request: Request) -> int:
    """The requested page; not a positive integer (in ASCII digits) is 404 "Invalid page." as
    in pretix."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not 1 <= int(raw) <= MAX_PAGE:
        raise NotFound("Invalid page.")
    return int(raw)


def _link(request: Request, page: int) -> str:
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    if page > 1:
        args["page"] = [str(page)]
    query = urlencode(args, doseq=True)
    return public_url(request) + (f"?{query}" if query else "")


def page_body(request: Request, page: int, count: int, results: list[Any]) -> dict[str, Any]:
    """The page envelope; a page past the end (other than an empty first page) is 404."""
    last = max(1, -(-count // PAGE_SIZE))
    if page > last:
        raise NotFound("Invalid page.")
    return {
        "count": count,
        "next": _link(request, page + 1) if page < last else None,
        "previous": _link(request, page - 1) if page > 1 else None,
        "results": results,
    }


def paginate(request: Request, items: list[Any]) -> dict[str, Any]:
    """Paginate a list that is already in memory."""
    page = page_number(request)
    start = (page - 1) * PAGE_SIZE
    return page_body(request, page, len(items), items[start : start + PAGE_SIZE])

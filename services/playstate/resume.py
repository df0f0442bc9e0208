"""Continue listening: Jellyfin's ``Items/Resume`` and the ``Items?Filters=IsResumable`` form.

The list is the user's items with a resume position (``PlaybackPositionTicks > 0``: only resumable
tracks keep one), newest ``LastPlayedDate`` first, then item id. Query values arrive as lists under
lower-cased names (the gateway folds the SDK's ``mediaTypes[0]=`` form and repeated names into one
list); a list value may itself be comma-separated. Unknown parameters and list values that name
nothing Jellyfin knows are ignored; numbers and booleans that do not parse are 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.database import commit
from services.common.errors import BadRequest
from services.playstate import userdata
from services.playstate.devices import base_item
from services.playstate.models import UserItemData
from services.playstate.reports import read_bool, read_int
from services.playstate.rules import Item
from services.playstate.sessions import playing_items
from services.playstate.userdata import UserData

COLUMNS = UserItemData.__table__.c
#: Jellyfin's MediaType values, and the item kinds (BaseItemKind) a catalogue track can be
MEDIA_TYPES = {"unknown", "video", "audio", "photo", "book"}
ITEM_KINDS = {
    "audio",
    "audiobook",
    "musicvideo",
    "movie",
    "episode",
    "video",
    "musicalbum",
    "musicartist",
    "playlist",
    "folder",
    "series",
    "season",
    "book",
    "photo",
    "trailer",
    "boxset",
    "collectionfolder",
    "program",
    "tvchannel",
    "livetvprogram",
}
#: ``Items`` parameters that narrow the list in ways the catalogue cannot answer
UNSUPPORTED_ITEMS_FILTERS = (
    "parentId",
    "ids",
    "searchTerm",
    "isFavorite",
    "isPlayed",
    "genres",
    "genreIds",
    "years",
    "personIds",
    "artistIds",
    "albumArtistIds",
    "nameStartsWith",
    "nameStartsWithOrGreater",
    "nameLessThan",
    "excludeItemIds",
    "tags",
    "studioIds",
    "albumIds",
)


def values(query: dict[str, list[str]], name: str) -> list[str]:
    """Every value of a list parameter, comma-separated ones split, blanks dropped."""
    return [
        part.strip()
        for value in query.get(name.lower(), [])
        for part in value.split(",")
        if part.strip()
    ]


def _scalars(query: dict[str, list[str]]) -> dict[str, str]:
    return {name: given[-1] for name, given in query.items() if given}


def _known(query: dict[str, list[str]], name: str, known: set[str]) -> set[str]:
    return {value.lower() for value in values(query, name) if value.lower() in known}


@dataclass(frozen=True)
class ResumeQuery:
    start_index: int = 0
    limit: int | None = None
    audio: bool = True  #: False when the media types or item kinds asked for exclude Audio
    enable_user_data: bool = True
    enable_total_record_count: bool = True
    exclude_active_sessions: bool = False

    @classmethod
    def parse(cls, query: dict[str, list[str]]) -> ResumeQuery:
        scalars = _scalars(query)
        start_index = read_int(scalars, "startIndex") or 0
        limit = read_int(scalars, "limit")
        if start_index < 0 or (limit is not None and limit < 0):
            raise BadRequest("startIndex and limit must not be negative.")
        media = _known(query, "mediaTypes", MEDIA_TYPES)
        included = _known(query, "includeItemTypes", ITEM_KINDS)
        excluded = _known(query, "excludeItemTypes", ITEM_KINDS)
        audio = (
            (not media or "audio" in media)
            and (not included or "audio" in included)
            and "audio" not in excluded
        )
        return cls(
            start_index=start_index,
            limit=limit,
            audio=audio,
            enable_user_data=read_bool(scalars, "enableUserData", True),
            enable_total_record_count=read_bool(scalars, "enableTotalRecordCount", True),
            exclude_active_sessions=read_bool(scalars, "excludeActiveSessions"),
        )

    @classmethod
    def parse_items(cls, query: dict[str, list[str]]) -> ResumeQuery:
        """The ``Items`` form: only ``Filters=IsResumable``, sorted by date played, descending;
        anything else is 400 naming what is not supported (never a silently wrong list)."""
        filters = values(query, "filters")
        unsupported = [value for value in filters if value.lower() != "isresumable"]
        if unsupported:
            raise BadRequest(
                f"Filters={unsupported[0]} is not supported: only "
                "Filters=IsResumable (continue listening) is."
            )
        if not filters:
            raise BadRequest("Items needs Filters=IsResumable: no other item query is supported.")
        for name in UNSUPPORTED_ITEMS_FILTERS:
            if values(query, name):
                raise BadRequest(f"{name} is not supported with Filters=IsResumable.")
        sort_by = [value.lower() for value in values(query, "sortBy")]
        if sort_by and sort_by[0] != "dateplayed":
            raise BadRequest(
                f"SortBy={values(query, 'sortBy')[0]} is not supported: resumable "
                "items are sorted by DatePlayed."
            )
        sort_order = [value.lower() for value in values(query, "sortOrder")]
        if sort_order and sort_order[0] != "descending":
            raise BadRequest(
                f"SortOrder={values(query, 'sortOrder')[0]} is not supported: "
                "resumable items are sorted newest first (Descending)."
            )
        return cls.parse(query)


def page(
    session: Session, user_id: str, query: ResumeQuery, excluded_items: set[str]
) -> tuple[int, list[UserData]]:
    """(total count, the page) of the user's resumable items, newest LastPlayedDate first."""
    if not query.audio:
        return 0, []
    total = _count(session, user_id, excluded_items)
    if query.limit == 0:
        return total, []
    statement = (
        select(*COLUMNS)
        .where(*_filters(user_id, excluded_items))
        .order_by(COLUMNS.last_played_date.desc().nulls_last(), COLUMNS.item_id)
        .offset(query.start_index)
        .limit(query.limit)
    )
    return total, [UserData.from_row(row) for row in session.execute(statement)]


def _filters(user_id: str, excluded_items: set[str]) -> list[Any]:
    conditions = [COLUMNS.user_id == user_id, COLUMNS.playback_position_ticks > 0]
    if excluded_items:
        conditions.append(COLUMNS.item_id.not_in(sorted(excluded_items)))
    return conditions


def _count(session: Session, user_id: str, excluded_items: set[str]) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(UserItemData).where(*_filters(user_id, excluded_items))
        )
        or 0
    )


def result(items: list[dict[str, Any]], total: int, query: ResumeQuery) -> dict[str, Any]:
    """Jellyfin's BaseItemDtoQueryResult; without the total count, the count of this page."""
    return {
        "Items": items,
        "TotalRecordCount": total if query.enable_total_record_count else len(items),
        "StartIndex": query.start_index,
    }


def base_items(
    page: list[UserData],
    item_of: Callable[[str], Item | None],
    server_id: str,
    with_user_data: bool,
) -> list[dict[str, Any]]:
    """BaseItemDto of each entry whose track is still in the catalogue (`item_of` None: gone),
    with its ``UserData`` unless `with_user_data` is false."""
    found = []
    for data in page:
        item = item_of(data.item_id)
        if item is not None:
            dto = base_item(item, server_id)
            if with_user_data:
                dto["UserData"] = userdata.dto(data, item)
            found.append(dto)
    return found


def continue_listening(
    db: Session,
    owner: str,
    wanted: ResumeQuery,
    known: Callable[[str], Item | None],
    server_id: str,
) -> dict[str, Any]:
    """The owner's page of resumable items as Jellyfin's query result; what is written so far in
    `db` commits before the catalogue lookups (no transaction stays open across them)."""
    playing = playing_items(db, owner) if wanted.exclude_active_sessions else set()
    total, found = page(db, owner, wanted, playing)
    commit(db)
    return result(base_items(found, known, server_id, wanted.enable_user_data), total, wanted)

"""gateway/bodies.py: reading Jellyfin query lists."""

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.bodies import jellyfin_lists


def request(query: str) -> Request:
    return Request(EnvironBuilder(path="/items", query_string=query).get_environ())


def test_lists_gather_repeated_indexed_and_any_case_names():
    lists = jellyfin_lists(
        request(
            "mediaTypes%5B0%5D=Audio&MEDIATYPES%5B1%5D=Video&mediatypes=Book&mediaTypes[]=Photo"
            "&Filters=IsResumable,IsFavorite&userId=abc"
        )
    )
    assert lists == {
        "mediatypes": ["Audio", "Video", "Book", "Photo"],
        "filters": ["IsResumable,IsFavorite"],
        "userid": ["abc"],
    }


def test_no_query_is_no_lists():
    assert jellyfin_lists(request("")) == {}

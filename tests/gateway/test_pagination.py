"""pretix's page envelope."""

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.pagination import paginate
from services.common.errors import NotFound


def request(query: str) -> Request:
    return Request(EnvironBuilder(path="/api/v1/things/", query_string=query,
                                  base_url="http://host:8000").get_environ())


def test_pages_of_fifty_with_absolute_links():
    body = paginate(request("page=2&ordering=slug"), list(range(120)))
    assert body["count"] == 120 and body["results"] == list(range(50, 100))
    assert body["next"] == "http://host:8000/api/v1/things/?ordering=slug&page=3"
    assert body["previous"] == "http://host:8000/api/v1/things/?ordering=slug"


def test_empty_list_is_one_empty_page():
    assert paginate(request(""), []) == {"count": 0, "next": None, "previous": None,
                                         "results": []}


@pytest.mark.parametrize("query", ["page=3", "page=0", "page=-1", "page=x"])
def test_invalid_page(query):
    with pytest.raises(NotFound) as raised:
        paginate(request(query), list(range(60)))
    assert raised.value.detail == "Invalid page."

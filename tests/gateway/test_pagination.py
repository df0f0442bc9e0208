"""pretix's page envelope."""

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.pagination import paginate
from services.common.errors import NotFound


def request(query: str) -> Request:
    return Request(
        EnvironBuilder(
            path="/api/v1/things/", query_string=query, base_url="http://host:8000"
        ).get_environ()
    )


def test_pages_of_fifty_with_absolute_links():
    body = paginate(request("page=2&ordering=slug"), list(range(120)))
    assert body["count"] == 120 and body["results"] == list(range(50, 100))
    assert body["next"] == "http://host:8000/api/v1/things/?ordering=slug&page=3"
    assert body["previous"] == "http://host:8000/api/v1/things/?ordering=slug"


def test_empty_list_is_one_empty_page():
    assert paginate(request(""), []) == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "query",
    [
        "page=3",
        "page=0",
        "page=-1",
        "page=x",
        "page=%C2%B2",
        "page=%D9%A3",
        "page=99999999999999999999",
    ],
)
def test_invalid_page(query):
    with pytest.raises(NotFound) as raised:
        paginate(request(query), list(range(60)))
    assert raised.value.detail == "Invalid page."


def test_links_start_with_the_public_base_url_when_it_is_set(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://setlist.example/")
    body = paginate(request("page=1"), list(range(60)))
    assert body["next"] == "https://setlist.example/api/v1/things/?page=2"

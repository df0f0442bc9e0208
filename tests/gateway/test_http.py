"""Case-insensitive Jellyfin paths, matching routes, the routes' signature check, the server's
environ, request ids."""

import re

import eventlet
import pytest
from nameko.exceptions import IncorrectSignature
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.http import (
    MATCHED_PATH_MAX,
    GatewayApp,
    Int64Converter,
    PlainHttpServer,
    Route,
    canonical_path,
    correlation_id,
)


def test_jellyfin_paths_are_lower_cased_and_others_kept():
    assert canonical_path("/Users/AuthenticateByName") == "/users/authenticatebyname"
    assert canonical_path("/SYSTEM/Info/Public") == "/system/info/public"
    assert canonical_path("/UserItems/ABC/UserData") == "/useritems/abc/userdata"
    assert canonical_path("/api/v1/organizers/Demo/") == "/api/v1/organizers/Demo/"


class Items:
    def show(self, request: object, item_id: str) -> None: ...


class Container:
    """What a route reads of its nameko container."""

    service_cls = Items
    shared_extensions: dict[object, object] = {}


CONTAINER = Container()  # a bound extension holds its container weakly


def bound_route() -> Route:
    return Route("GET", "/items/<item_id>").bind(CONTAINER, "show")


def test_a_route_checks_a_set_of_path_values_once() -> None:
    route = bound_route()
    route.check_signature(("request",), {"item_id": "1"})
    route.check_signature(("request",), {"item_id": "2"})
    assert route.fitting == {frozenset({"item_id"})}


def test_path_values_the_handler_does_not_take_are_refused() -> None:
    route = bound_route()
    with pytest.raises(IncorrectSignature):
        route.check_signature(("request",), {"slug": "1"})
    assert route.fitting == set()


def test_the_servers_part_of_the_environ_is_made_once_and_copied_per_request():
    listener = eventlet.listen(("127.0.0.1", 0))
    try:
        server = PlainHttpServer(listener, listener.getsockname(), app=None, log_output=False)
        first, second = server.get_environ(), server.get_environ()
    finally:
        listener.close()
    assert first == second and first is not second
    assert (first["wsgi.url_scheme"], first["wsgi.version"]) == ("http", (1, 0))


def test_a_request_keeps_a_sane_request_id_and_gets_a_new_one_otherwise():
    def request_id(given: str | None) -> str:
        headers = [] if given is None else [("X-Request-Id", given)]
        return correlation_id(Request(EnvironBuilder(headers=headers).get_environ()))

    new = {request_id(None), request_id(None), request_id("bad id!")}
    assert len(new) == 3 and all(re.fullmatch("[0-9a-f]{32}", one) for one in new)
    assert request_id("client-7.a_b") == "client-7.a_b"


class Routes:
    """What a GatewayApp reads of its web server: the url map (endpoints stand for providers)."""

    def make_url_map(self) -> Map:
        return Map(
            [
                Rule("/users/<user_id>", methods=["GET"], endpoint="user"),
                Rule("/events/", methods=["GET"], endpoint="events"),
                Rule("/ws/<int:room>", methods=["GET"], endpoint="room", websocket=True),
            ],
            converters={"int": Int64Converter},
        )


def environ(path: str, method: str = "GET", **headers: str) -> dict:
    return EnvironBuilder(path=path, method=method, headers=list(headers.items())).get_environ()


def test_a_route_is_matched_once_per_method_and_path():
    app = GatewayApp(Routes())
    first = app.match(environ("/users/Ada%20L"))
    first[1]["user_id"] = "changed by a handler"
    assert app.match(environ("/users/Ada%20L")) == ("user", {"user_id": "Ada L"})
    assert app.matches.cache_info().hits == 1
    long_id = "x" * MATCHED_PATH_MAX
    assert app.match(environ(f"/users/{long_id}")) == ("user", {"user_id": long_id})
    assert app.matches.cache_info().currsize == 1  # a long path is matched, not remembered


def test_what_does_not_match_is_404_405_or_the_redirect_to_the_slashed_path():
    app = GatewayApp(Routes())
    with pytest.raises(NotFound):
        app.match(environ("/nowhere"))
    with pytest.raises(MethodNotAllowed):
        app.match(environ("/users/ada", "POST"))
    with pytest.raises(RequestRedirect) as redirect:
        app.match(environ("/events", HOST="setlist.example:8000"))
    assert redirect.value.new_url == "http://setlist.example:8000/events/"


def test_a_websocket_route_matches_only_an_upgrade():
    app = GatewayApp(Routes())
    upgrade = {"Connection": "keep-alive, Upgrade", "Upgrade": "websocket"}
    assert app.match(environ("/ws/7", **upgrade)) == ("room", {"room": 7})
    with pytest.raises(HTTPException):
        app.match(environ("/ws/7"))

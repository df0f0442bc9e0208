"""Case-insensitive Jellyfin paths, the routes' signature check, the server's environ, request ids."""

import re

import eventlet
import pytest
from nameko.exceptions import IncorrectSignature
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.http import PlainHttpServer, Route, canonical_path, correlation_id


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

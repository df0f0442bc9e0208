"""The live event-room page (`/rooms/<event_id>#token=…`) in headless Chromium: it shows the event
and its playlist, follows changes another client makes over the websocket, and its buttons add and
remove tracks for everyone in the room."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.accounts import new_organizer, new_user
from tests.support.browser import headless_chromium
from tests.support.client import Api
from tests.support.playstate import TICKS, new_listener
from tests.support.rooms import RECV_SECONDS, RoomClient, new_event


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    driver = headless_chromium(Path(tmp_path_factory.mktemp("chromium")))
    yield driver
    driver.quit()


def playlist_ids(payload: dict) -> list[int]:
    return [entry["track"] for entry in payload["playlist"]["tracks"]]


def page_tracks(browser) -> list[str]:
    """The track ids the page lists, read in one go (the list is redrawn as messages arrive)."""
    return browser.execute_script(
        'return [...document.querySelectorAll("#playlist li")].map(row => row.dataset.trackId)'
    )


def test_page_follows_the_room_and_edits_the_playlist(stack, admin, admin_token, browser):
    organizer = new_organizer(admin, "live")
    event_id = new_event(admin, organizer, "live", name="Live")
    first, second = (
        admin.post("/api/v1/tracks/", {"name": name, "artist": "The Testers"}).json()
        for name in ("Opening <b>Song</b>", "Encore")
    )
    wait = WebDriverWait(browser, RECV_SECONDS)

    browser.get(f"{stack.url}/rooms/{event_id}#token={admin_token}")
    wait.until(shown.text_to_be_present_in_element((By.ID, "status"), "live"))
    wait.until(shown.text_to_be_present_in_element((By.ID, "event-name"), "Live"))
    assert browser.find_element(By.ID, "event-access").text == "private"

    with RoomClient(stack.url, event_id, admin_token) as other:
        other.send("add_track", {"track_id": first["id"]})
        wait.until(lambda _: page_tracks(browser) == [str(first["id"])])
        assert "Opening <b>Song</b>" in browser.find_element(By.ID, "playlist").text  # as text

        assert browser.find_elements(By.CSS_SELECTOR, "#playlist b") == []

        browser.find_element(By.ID, "add-track-id").send_keys(str(second["id"]))
        browser.find_element(By.ID, "add-button").click()
        added = other.wait_for("playlist.changed", lambda p: second["id"] in playlist_ids(p))
        assert playlist_ids(added) == [first["id"], second["id"]]
        wait.until(lambda _: page_tracks(browser) == [str(first["id"]), str(second["id"])])

        browser.find_element(
            By.CSS_SELECTOR, f'#playlist li[data-track-id="{first["id"]}"] button.remove'
        ).click()
        removed = other.wait_for("playlist.changed", lambda p: first["id"] not in playlist_ids(p))
        assert playlist_ids(removed) == [second["id"]]
        wait.until(lambda _: page_tracks(browser) == [str(second["id"])])
        assert (
            "remove track Opening <b>Song</b> from playlist"
            in browser.find_element(By.ID, "log").text
        )

        browser.find_element(By.ID, "add-track-id").send_keys("999999999")
        browser.find_element(By.ID, "add-button").click()
        wait.until(shown.text_to_be_present_in_element((By.ID, "error"), "Track not found"))


def test_page_says_when_access_is_denied(stack, admin, browser):
    event_id = new_event(admin, new_organizer(admin, "closed"), "closed")
    stranger = new_user(stack, "stranger")

    browser.get(f"{stack.url}/rooms/{event_id}#token={stranger.token}")
    WebDriverWait(browser, RECV_SECONDS).until(
        shown.text_to_be_present_in_element((By.ID, "error"), "Access denied")
    )
    assert browser.find_element(By.ID, "status").text == "closed"


def test_page_and_script_are_static_and_locked_down(stack):
    page = Api(stack.url).get("/rooms/1")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    script = Api(stack.url).get("/rooms/room.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert Api(stack.url).get("/rooms/not-a-number").status_code == 404


def now_playing_rows(browser) -> list[dict]:
    return browser.execute_script(
        'return [...document.querySelectorAll("#now-playing li")].map(row => ({'
        "user: row.dataset.userId, text: row.textContent,"
        ' position: row.querySelector(".position").textContent}))'
    )


def test_page_shows_who_arrives_what_they_play_and_finds_tracks(stack, admin_token, browser):
    admin = Api(stack.url, admin_token)
    event_id = new_event(
        admin, new_organizer(admin, "together"), "together", name="Together", is_public=True
    )
    dew, rain = (
        admin.post("/api/v1/tracks/", {"name": name, "artist": artist, "duration": seconds}).json()
        for name, artist, seconds in (("Morning Dew", "Fieldnotes", 200), ("Rain", "Kettle", 125))
    )
    listener = new_listener(stack, "arriving")
    wait = WebDriverWait(browser, RECV_SECONDS)
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    try:
        browser.get(f"{stack.url}/rooms/{event_id}#token={admin_token}")
        wait.until(shown.text_to_be_present_in_element((By.ID, "status"), "live"))
        wait.until(shown.text_to_be_present_in_element((By.ID, "present-count"), "1"))
        start = browser.find_element(By.ID, "event-start")
        # 2030-01-01T10:00:00Z in the viewer's time zone (Tokyo, UTC+9)
        assert "GMT+9" in start.text and ("19:00" in start.text or "07:00" in start.text)
        assert start.get_attribute("title") == "2030-01-01T10:00:00Z"

        field = browser.find_element(By.ID, "add-track-id")
        field.send_keys("dew")
        found = f'#search-results li[data-track-id="{dew["id"]}"]'
        wait.until(shown.presence_of_element_located((By.CSS_SELECTOR, found)))
        assert "3:20" in browser.find_element(By.CSS_SELECTOR, found).text
        browser.find_element(By.CSS_SELECTOR, f"{found} button.add").click()
        wait.until(lambda _: page_tracks(browser) == [str(dew["id"])])
        field.send_keys(str(rain["id"]))
        browser.find_element(By.ID, "add-button").click()
        wait.until(lambda _: page_tracks(browser) == [str(dew["id"]), str(rain["id"])])
        total = browser.find_element(By.ID, "playlist-total")
        wait.until(lambda _: "5:25" in total.text)
        assert "2 tracks" in total.text and "2:05" in browser.find_element(By.ID, "playlist").text

        with RoomClient(stack.url, event_id, listener.token):
            wait.until(shown.text_to_be_present_in_element((By.ID, "present"), listener.name))
            assert browser.find_element(By.ID, "present-count").text == "2"
            listener.api.post(
                f"/Users/{listener.id}/PlayingItems/{dew['uuid']}",
                params={"playSessionId": "page", "positionTicks": 10 * TICKS},
            )
            wait.until(lambda _: len(now_playing_rows(browser)) == 1)
            [row] = now_playing_rows(browser)
            assert listener.name in row["text"] and "Morning Dew — Fieldnotes" in row["text"]
            assert row["position"].endswith(" / 3:20")
            # the position moves on between updates
            wait.until(lambda _: now_playing_rows(browser)[0]["position"] != row["position"])
        wait.until(lambda _: listener.name not in browser.find_element(By.ID, "present").text)
        wait.until(lambda _: now_playing_rows(browser) == [])
    finally:
        browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})

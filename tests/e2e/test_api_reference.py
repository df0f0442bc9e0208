"""The API reference as a client and a person meet it: /openapi.json and /asyncapi.json are the
documents in gateway/reference/, /docs renders the first in Chromium, and schemathesis finds no
response that breaks the document (tests/e2e/test_api_fuzz.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from gateway import reference
from tests.support.browser import headless_chromium

SECONDS = 30


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    driver = headless_chromium(Path(tmp_path_factory.mktemp("chromium")))
    yield driver
    driver.quit()


def test_openapi_json_is_the_document_with_this_gateway_as_its_server(stack):
    served = requests.get(f"{stack.url}/openapi.json", timeout=SECONDS)
    assert served.status_code == 200
    assert served.headers["Content-Type"].startswith("application/json")
    body = served.json()
    validate(body)
    assert body["servers"] == [{"url": stack.url.rstrip("/")}]
    assert body["paths"] == reference.document("openapi")["paths"]


def test_asyncapi_json_describes_the_room(stack):
    served = requests.get(f"{stack.url}/asyncapi.json", timeout=SECONDS)
    assert served.status_code == 200
    body = served.json()
    assert body["asyncapi"] == "3.0.0"
    assert body["channels"]["room"]["address"] == "/ws/event/{event_id}/"


def test_the_docs_page_renders_every_operation_in_chromium(stack, browser):
    browser.get(f"{stack.url}/docs")
    wait = WebDriverWait(browser, SECONDS)
    wait.until(shown.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    wait.until(shown.text_to_be_present_in_element((By.CSS_SELECTOR, ".info .title"), "Setlist"))
    shown_paths = {
        element.get_attribute("data-path")
        for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    }
    assert "/api/v1/organizers/{organizer}/events/" in shown_paths
    assert "/Users/{userId}/PlayedItems/{itemId}" in shown_paths
    errors = [
        entry
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]
    assert errors == []


def test_the_docs_page_loads_nothing_from_elsewhere(stack):
    page = requests.get(f"{stack.url}/docs", timeout=SECONDS)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "http" not in page.text.replace(stack.url, "")
    for asset in reference.ASSETS:
        assert requests.get(f"{stack.url}/docs/{asset}", timeout=SECONDS).status_code == 200
    assert requests.get(f"{stack.url}/docs/nope.js", timeout=SECONDS).status_code == 404

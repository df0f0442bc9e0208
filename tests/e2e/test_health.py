"""GET /health on the running stack."""

from tests.support.client import Api


def test_health_names_every_service_and_database(stack):
    response = Api(stack.url).get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["down"] == [] and body["broker"] == "ok"
    assert set(body["services"]) == {"accounts", "events", "playstate", "realtime"}
    assert body["services"]["accounts"] == {"service": "ok", "database": "ok"}
    assert body["services"]["realtime"] == {"service": "ok"}

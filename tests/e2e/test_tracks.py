"""/api/v1/tracks/: the catalogue over HTTP."""

from tests.support.accounts import new_organizer, new_team, new_user, team_token, unique
from tests.support.client import Api


def test_admin_creates_and_anyone_reads(stack, admin):
    created = admin.post("/api/v1/tracks/", {"name": "Song", "artist": "Band", "duration": 180})
    assert created.status_code == 201
    track = created.json()
    assert track["name"] == "Song" and track["duration"] == 180 and track["resumable"] is False
    reader = new_user(stack, "reader").api
    assert reader.get(f"/api/v1/tracks/{track['id']}/").json() == track
    assert reader.get(f"/api/v1/tracks/{track['uuid']}/").json() == track
    listed = reader.get("/api/v1/tracks/")
    assert listed.status_code == 200
    assert track in listed.json()["results"] or listed.json()["next"]


def test_plain_user_may_not_create(stack):
    refused = new_user(stack, "plain").api.post("/api/v1/tracks/", {"name": "x"})
    assert refused.status_code == 403


def test_event_creators_may_create(stack, admin):
    organizer = new_organizer(admin)
    creator = new_user(stack, "creator")
    team = new_team(admin, organizer, [creator.user_id], can_create_events=True)
    assert creator.api.post("/api/v1/tracks/", {"name": "by user"}).status_code == 201
    token = team_token(stack, admin, organizer, team).api
    assert token.post("/api/v1/tracks/", {"name": "by team"}).status_code == 201


def test_errors(stack, admin):
    assert Api(stack.url).get("/api/v1/tracks/").json() == {
        "detail": "Authentication credentials were not provided."
    }
    assert admin.get("/api/v1/tracks/999999999/").status_code == 404
    assert admin.get("/api/v1/tracks/?page=0").json() == {"detail": "Invalid page."}
    invalid = admin.post("/api/v1/tracks/", {"duration": "long"})
    assert invalid.status_code == 400
    assert invalid.json() == {
        "name": ["This field is required."],
        "duration": ["A valid integer is required."],
    }


def test_search_by_name_or_artist(stack, admin):
    tag = unique("tag")  # a word no other test's track holds
    names = [f"Über {tag} remix", f"{tag.upper()} Überall", f"Plain {tag}"]
    made = [admin.post("/api/v1/tracks/", {"name": name, "artist": "x"}).json() for name in names]
    by_artist = admin.post("/api/v1/tracks/", {"name": "Untitled", "artist": f"Ñu {tag}"}).json()
    found = admin.get("/api/v1/tracks/", params={"search": tag.title()}).json()
    assert found["count"] == 4 and found["next"] is None
    assert [track["id"] for track in found["results"]] == [
        made[1]["id"],
        made[0]["id"],
        made[2]["id"],
        by_artist["id"],
    ]
    accents = admin.get("/api/v1/tracks/", params={"search": f"uber {tag}"}).json()
    assert [track["id"] for track in accents["results"]] == [made[0]["id"]]
    assert admin.get("/api/v1/tracks/", params={"search": f"NU {tag}"}).json()["results"] == [
        by_artist
    ]
    assert admin.get("/api/v1/tracks/", params={"search": f"{tag}-none"}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }

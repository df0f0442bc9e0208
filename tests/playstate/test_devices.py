"""services/playstate/devices.py: Jellyfin's sessions on the real database; SessionInfo."""

import hashlib
import secrets
import uuid

import pytest

from services.common.errors import BadRequest, PermissionDenied
from services.common.principal import Principal
from services.playstate import devices, sessions
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item

SERVER = "f" * 32
ITEM = Item("2" * 32, 2_000_000_000, False, name="Song", artist="Band")


@pytest.fixture
def db(session_for):
    return session_for("playstate")


def user(admin=False, **device):
    guid = secrets.token_hex(16)
    return Principal(
        kind="user",
        token_id=secrets.randbelow(10**6),
        user_id=1,
        username=f"u-{guid[:6]}",
        user_uuid=guid,
        is_admin=admin,
        **device,
    )


TV = {"device_id": "tv-1", "client": "Kodi", "device_name": "Living room", "client_version": "20.1"}


def mine(rows, *principals):
    ids = {principal.user_uuid for principal in principals}
    return [row for row in rows if row.user_id in ids]


def test_session_id_is_jellyfins_md5_of_client_and_device():
    # Jellyfin: (client + deviceId).GetMD5() — MD5 of the UTF-16LE text, read as a .NET Guid
    expected = uuid.UUID(bytes_le=hashlib.md5("Koditv-1".encode("utf-16-le")).digest()).hex
    assert devices.session_id("Kodi", "tv-1") == expected
    assert len(expected) == 32 and devices.session_id("Kodi", "tv-2") != expected


def test_device_of_principal_falls_back_to_the_token():
    bare = user()
    device = devices.Device.of(bare)
    assert (device.client, device.device_id, device.device_name) == (
        "",
        f"token:{bare.token_id}",
        "",
    )
    named = devices.Device.of(user(**TV))
    assert (named.client, named.device_id, named.device_name, named.application_version) == (
        "Kodi",
        "tv-1",
        "Living room",
        "20.1",
    )
    with pytest.raises(PermissionDenied):
        devices.Device.of(Principal(kind="team", token_id=1, team_id=1, organizer="o"))


def test_touch_makes_then_updates_one_row(db):
    alice = user(**TV)
    devices.touch(db, devices.Device.of(alice), 100)
    devices.touch(db, devices.Device.of(alice), 200)
    [row] = mine(devices.visible(db, alice, devices.SessionQuery()), alice)
    assert (row.last_activity_us, row.client, row.user_name) == (200, "Kodi", alice.username)


def test_who_sees_what(db):
    alice, bob, admin = user(**TV), user(), user(admin=True)
    for principal in (alice, bob, admin):
        devices.touch(db, devices.Device.of(principal), 100)
    assert len(mine(devices.visible(db, alice, devices.SessionQuery()), alice, bob, admin)) == 1
    assert len(mine(devices.visible(db, admin, devices.SessionQuery()), alice, bob, admin)) == 3
    by_device = devices.visible(db, admin, devices.SessionQuery(device_id="TV-1"))
    assert alice.user_uuid in {row.user_id for row in by_device}
    assert all(row.device_id.lower() == "tv-1" for row in by_device)
    with pytest.raises(PermissionDenied):
        devices.visible(
            db, Principal(kind="team", token_id=1, team_id=1, organizer="o"), devices.SessionQuery()
        )


def test_controllable_by_user():
    alice, admin = user(), user(admin=True)
    mine_only = devices.SessionQuery(controllable_by=alice.user_uuid)
    assert devices.visible(None, alice, mine_only) == []
    assert devices.visible(None, admin, mine_only) == []
    with pytest.raises(PermissionDenied):
        devices.visible(None, alice, devices.SessionQuery(controllable_by=admin.user_uuid))


def test_query_parsing():
    parsed = devices.SessionQuery.parse(
        {"deviceid": "x", "activewithinseconds": "60", "controllablebyuserid": "A" * 32}
    )
    assert parsed == devices.SessionQuery("x", 60, "a" * 32)
    assert devices.SessionQuery.parse({}) == devices.SessionQuery()
    for bad in ({"activewithinseconds": "soon"}, {"controllablebyuserid": "me"}):
        with pytest.raises(BadRequest):
            devices.SessionQuery.parse(bad)


def test_newest_first_counts_playback_reports_and_filters_recent(db):
    alice, bob = user(**TV), user()
    devices.touch(db, devices.Device.of(alice), 100 * 10**6)
    devices.touch(db, devices.Device.of(bob), 200 * 10**6)
    sessions.start(
        db,
        alice.user_uuid,
        "tv-1",
        ITEM,
        PlaybackReport(item_id=ITEM.id, play_session_id="p", position_ticks=5),
        300 * 10**6,
        300 * 10**6,
    )
    rows = mine(
        devices.visible(db, alice, devices.SessionQuery())
        + devices.visible(db, bob, devices.SessionQuery()),
        alice,
        bob,
    )
    playing = sessions.playing_by_device(db, None)
    listed = devices.newest_first(rows, playing, 400 * 10**6, None)
    assert [row.user_id for row, _ in listed] == [alice.user_uuid, bob.user_uuid]
    assert listed[0][1].item_id == ITEM.id and listed[1][1] is None
    recent = devices.newest_first(rows, playing, 400 * 10**6, 150)
    assert [row.user_id for row, _ in recent] == [alice.user_uuid]


def test_end_removes_every_client_of_the_device(db):
    alice = user(**TV)
    devices.touch(db, devices.Device.of(alice), 1)
    other_client = Principal(**{**alice.to_dict(), "client": "Other"})
    devices.touch(db, devices.Device.of(other_client), 1)
    assert len(mine(devices.visible(db, alice, devices.SessionQuery()), alice)) == 2
    assert devices.end(db, alice.user_uuid, "tv-1") == 2
    assert mine(devices.visible(db, alice, devices.SessionQuery()), alice) == []


def test_purge_idle(db):
    alice = user()
    devices.touch(db, devices.Device.of(alice), 5)
    devices.purge_idle(db, 6)
    assert mine(devices.visible(db, alice, devices.SessionQuery()), alice) == []


def test_touch_throttle():
    now = [0.0]
    throttle = devices.TouchThrottle(10, clock=lambda: now[0])
    tv, phone = devices.Device.of(user(**TV)), devices.Device.of(user())
    assert throttle.due(tv) and throttle.due(phone)
    now[0] = 9.9
    assert not throttle.due(tv)
    now[0] = 10.0
    assert throttle.due(tv)
    throttle.forget(tv.user_id, tv.device_id)
    assert throttle.due(tv)


class Row:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def device_row(last_activity_us: int) -> Row:
    return Row(
        id=1,
        user_id="1" * 32,
        user_name="ana",
        client="Kodi",
        device_id="tv-1",
        device_name="TV",
        application_version="20",
        last_activity_us=last_activity_us,
    )


def test_session_info_idle_and_playing():
    row = device_row(1_700_000_000_000_000)
    idle = devices.session_info(row, None, None, SERVER)
    assert idle["PlayState"] == {
        "CanSeek": False,
        "IsPaused": False,
        "IsMuted": False,
        "RepeatMode": "RepeatNone",
    }
    assert idle["LastActivityDate"] == "2023-11-14T22:13:20.000000Z"
    assert idle["Id"] == devices.session_id("Kodi", "tv-1") and idle["ServerId"] == SERVER
    for name in ("AdditionalUsers", "PlayableMediaTypes", "SupportedCommands", "NowPlayingQueue"):
        assert idle[name] == []
    assert idle["SupportsMediaControl"] is False and idle["SupportsRemoteControl"] is False
    assert "NowPlayingItem" not in idle and "LastPlaybackCheckIn" not in idle
    playing = Row(
        can_seek=True,
        is_paused=True,
        is_muted=False,
        repeat_mode="RepeatAll",
        position_ticks=50,
        volume_level=None,
        play_method="DirectPlay",
        media_source_id=None,
        last_seen_us=1_700_000_001_000_000,
        item_id=ITEM.id,
    )
    info = devices.session_info(row, playing, ITEM, SERVER)
    assert info["PlayState"] == {
        "CanSeek": True,
        "IsPaused": True,
        "IsMuted": False,
        "RepeatMode": "RepeatAll",
        "PositionTicks": 50,
        "PlayMethod": "DirectPlay",
    }
    assert info["NowPlayingItem"] == {
        "Name": "Song",
        "Id": ITEM.id,
        "ServerId": SERVER,
        "Type": "Audio",
        "MediaType": "Audio",
        "RunTimeTicks": 2_000_000_000,
        "IsFolder": False,
        "Artists": ["Band"],
        "AlbumArtist": "Band",
    }
    assert info["LastPlaybackCheckIn"] == info["LastActivityDate"] == "2023-11-14T22:13:21.000000Z"


def test_session_infos_look_up_what_plays():
    row = device_row(0)
    playing = Row(
        can_seek=False,
        is_paused=False,
        is_muted=False,
        repeat_mode="RepeatNone",
        position_ticks=None,
        volume_level=None,
        play_method=None,
        media_source_id=None,
        last_seen_us=5,
        item_id=ITEM.id,
    )
    asked = []

    def item_of(item_id):
        asked.append(item_id)
        return None  # the track left the catalogue

    [idle, gone] = devices.session_infos([(row, None), (row, playing)], item_of, SERVER)
    assert asked == [ITEM.id] and "NowPlayingItem" not in idle and "NowPlayingItem" not in gone

"""Every validation rule of API.md §2's table, with pretix's exact 400 bodies, over HTTP."""

import pytest

from tests.support.accounts import new_organizer, unique

BASE = {"name": {"en": "Conf"}, "date_from": "2030-01-01T10:00:00Z"}


@pytest.fixture(scope="module")
def events(admin):
    organizer = new_organizer(admin, "valid")
    created = admin.post(
        f"/api/v1/organizers/{organizer}/meta_properties/", {"name": "Format", "default": ""}
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/organizers/{organizer}/events/"


@pytest.fixture(scope="module")
def existing(admin, events):
    response = admin.post(events, {**BASE, "slug": "existing", "has_subevents": False})
    assert response.status_code == 201, response.text
    return events + "existing/"


@pytest.mark.parametrize(
    "changes, body",
    [
        (
            {"live": True},
            {
                "live": [
                    "Events cannot be created as 'live'. Quotas and payment must be "
                    "added to the event before sales can go live."
                ]
            },
        ),
        (
            {"slug": "bad slug!"},
            {"slug": ["The slug may only contain letters, numbers, dots and dashes."]},
        ),
        ({"currency": "EURO"}, {"currency": ['"EURO" is not a valid choice.']}),
        (
            {"date_to": "2029-12-31T10:00:00Z"},
            {"non_field_errors": ["The event cannot end before it starts."]},
        ),
        (
            {"presale_start": "2029-06-01T00:00:00Z", "presale_end": "2029-05-01T00:00:00Z"},
            {"non_field_errors": ["The event's presale cannot end before it starts."]},
        ),
        ({"geo_lat": 91}, {"geo_lat": ["Ensure this value is less than or equal to 90."]}),
        ({"geo_lat": -90.5}, {"geo_lat": ["Ensure this value is greater than or equal to -90."]}),
        ({"geo_lon": 180.1}, {"geo_lon": ["Ensure this value is less than or equal to 180."]}),
        ({"geo_lon": -181}, {"geo_lon": ["Ensure this value is greater than or equal to -180."]}),
        (
            {"meta_data": {"Nope": "x"}},
            {"meta_data": ["Meta data property 'Nope' does not exist."]},
        ),
        (
            {"plugins": ["pretix.plugins.nope"]},
            {"plugins": ["Unknown plugin: 'pretix.plugins.nope'."]},
        ),
        (
            {"plugins": ["pretix.plugins.stripe", "pretix.plugins.restricted"]},
            {"plugins": ["Unknown plugin: 'pretix.plugins.restricted'."]},
        ),
        (
            {"date_from": "yesterday"},
            {
                "date_from": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
        ({"is_public": "perhaps"}, {"is_public": ["Must be a valid boolean."]}),
    ],
)
def test_create_rules(admin, events, changes, body):
    response = admin.post(events, {**BASE, "slug": unique("ev"), **changes})
    assert response.status_code == 400
    assert response.json() == body


def test_required_fields_each_named(admin, events):
    response = admin.post(events, {})
    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field is required."],
        "slug": ["This field is required."],
        "date_from": ["This field is required."],
    }
    assert admin.post(events, {**BASE}).json() == {"slug": ["This field is required."]}


def test_slug_taken_in_organizer_only(admin, events, existing):
    taken = admin.post(events, {**BASE, "slug": "EXISTING"})
    assert taken.status_code == 400
    assert taken.json() == {"slug": ["This slug has already been used for a different event."]}
    other = f"/api/v1/organizers/{new_organizer(admin, 'other')}/events/"
    assert admin.post(other, {**BASE, "slug": "existing"}).status_code == 201


def test_clone_validated_as_create(admin, events, existing):
    response = admin.post(existing + "clone/", {**BASE, "slug": unique("c"), "live": True})
    assert response.status_code == 400
    assert list(response.json()) == ["live"]
    assert admin.post(existing + "clone/", {**BASE, "slug": "existing"}).json() == {
        "slug": ["This slug has already been used for a different event."]
    }


def test_has_subevents_cannot_change(admin, existing):
    for method in ("patch", "put"):
        response = getattr(admin, method)(
            existing, {**BASE, "slug": "existing", "has_subevents": True}
        )
        assert response.status_code == 400
        assert response.json() == {
            "has_subevents": [
                "Once created an event cannot change between an series and a single event."
            ]
        }
    assert admin.patch(existing, {"has_subevents": False}).status_code == 200


def test_put_needs_required_fields_patch_does_not(admin, existing):
    assert admin.put(existing, {"name": "Renamed"}).json() == {
        "slug": ["This field is required."],
        "date_from": ["This field is required."],
    }
    patched = admin.patch(existing, {"name": "Renamed"})
    assert patched.status_code == 200 and patched.json()["name"] == {"en": "Renamed"}


def test_patch_dates_checked_against_stored_values(admin, existing):
    response = admin.patch(existing, {"date_to": "2000-01-01T00:00:00Z"})
    assert response.json() == {"non_field_errors": ["The event cannot end before it starts."]}


def test_malformed_json_and_other_content_types(admin, events):
    broken = admin.post(events, data="{nope", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["detail"].startswith("JSON parse error - ")
    form = admin.post(
        events, data="slug=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert form.status_code == 415


def test_bodies_that_cannot_be_read(admin, events, existing):
    json_type = {"Content-Type": "application/json"}
    for raw, kind in (("[1, 2]", "list"), ('"text"', "str"), ("3", "int"), ("null", "null")):
        response = admin.post(events, data=raw, headers=json_type)
        assert (response.status_code, response.json()) == (
            400,
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]},
        )
    latin1 = '{"name": "Caf\xe9"}'.encode("latin-1")
    response = admin.post(events, data=latin1, headers=json_type)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    huge = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    for send in (admin.post, admin.patch):
        response = send(events if send == admin.post else existing, data=huge, headers=json_type)
        assert (response.status_code, response.json()) == (
            413,
            {"detail": "Request body too large."},
        )


def test_json_with_a_charset_or_a_json_suffix_is_json(admin, events):
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = admin.post(
            events,
            data=f'{{"name": "N", "slug": "{unique("ct")}", "date_from": "2030-01-01T00:00:00Z"}}',
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 201, (content_type, response.text)


@pytest.mark.parametrize(
    "changes, body",
    [
        ({"name": 5}, {"name": ["Invalid data type."]}),
        ({"name": {"en": 5}}, {"name": ["All entries must be strings."]}),
        ({"name": {"xx": "a"}}, {"name": ["Invalid languages included."]}),
        (
            {"meta_data": ["Format"]},
            {"meta_data": ["meta_data needs to be an object (str -> str)."]},
        ),
        (
            {"seat_category_mapping": {"A": 1}},
            {
                "seat_category_mapping": [
                    "You cannot specify seat category mappings on event creation."
                ]
            },
        ),
        (
            {"seat_category_mapping": []},
            {
                "seat_category_mapping": [
                    "seat_category_mapping needs to be an object (str -> int)."
                ]
            },
        ),
        ({"seating_plan": 5}, {"seating_plan": ['Invalid pk "5" - object does not exist.']}),
        ({"slug": "x" * 51}, {"slug": ["Ensure this field has no more than 50 characters."]}),
        ({"currency": None}, {"currency": ["This field may not be null."]}),
    ],
)
def test_rules_beyond_the_table_as_pretix_words_them(admin, events, changes, body):
    response = admin.post(events, {**BASE, "slug": unique("ev"), **changes})
    assert (response.status_code, response.json()) == (400, body)


def test_unknown_fields_ignored_and_multilingual_input(admin, events):
    response = admin.post(
        events,
        {
            **BASE,
            "slug": unique("ml"),
            "name": "Plain name",
            "location": {"en": "Hall", "de": "Halle"},
            "whatever": 1,
            "date_from": "2030-01-01T12:00:00+02:00",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == {"en": "Plain name"}
    assert body["location"] == {"en": "Hall", "de": "Halle"}
    assert body["date_from"] == "2030-01-01T10:00:00Z"
    assert "whatever" not in body

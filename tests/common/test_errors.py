"""Errors cross RPC as the same class, with detail and fields intact."""

from nameko.exceptions import deserialize, serialize

from services.common import errors


def test_round_trip_keeps_class_detail_and_fields():
    original = errors.ValidationFailed(fields={"slug": ["This field is required."]})
    copy = deserialize(serialize(original))
    assert type(copy) is errors.ValidationFailed
    assert copy.fields == {"slug": ["This field is required."]}
    assert copy.detail == "Invalid input."


def test_round_trip_of_a_detail_only_error_has_no_fields():
    copy = deserialize(serialize(errors.AuthenticationFailed()))
    assert type(copy) is errors.AuthenticationFailed
    assert copy.detail == "Invalid token." and copy.fields == {} and copy.extra == {}


def test_as_data_and_back_keeps_class_detail_fields_and_extra():
    for original in (
        errors.ValidationFailed(fields={"slug": ["This field is required."]}),
        errors.NotFound("Item not found."),
        errors.TooManyRequests(extra={"retry_after": 3}),
        errors.ServiceUnavailable(),
    ):
        copy = errors.from_data(errors.as_data(original))
        assert type(copy) is type(original)
        assert (copy.detail, copy.fields, copy.extra) == (
            original.detail,
            original.fields,
            original.extra,
        )


def test_every_error_class_has_its_own_code():
    assert len(errors.BY_CODE) == len(errors.SetlistError.__subclasses__())

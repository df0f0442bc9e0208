from services.accounts.passwords import hash_password, verify_password


def test_hash_verifies_only_the_same_password():
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse", stored)
    assert not verify_password("Correct horse", stored)


def test_hashes_are_salted():
    assert hash_password("pw") != hash_password("pw")


def test_garbage_hash_never_verifies():
    assert not verify_password("pw", "md5$abc")
    assert not verify_password("pw", "")

import eventlet

from services.accounts import passwords
from services.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password


def test_hash_verifies_only_the_same_password():
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$131072$8$1$")  # OWASP: N=2^17, r=8, p=1
    assert verify_password("correct horse", stored)
    assert not verify_password("Correct horse", stored)


def test_hashes_are_salted():
    assert hash_password("pw") != hash_password("pw")


def test_garbage_hash_never_verifies():
    assert not verify_password("pw", "md5$abc")
    assert not verify_password("pw", "")


def test_the_dummy_hash_never_verifies_and_costs_a_real_hash():
    assert not verify_password("", DUMMY_HASH) and not needs_rehash(DUMMY_HASH)


def test_a_hash_with_older_parameters_still_verifies_and_needs_a_rehash():
    old = "scrypt$16384$8$1$yHTp8f54Ns+O2/PUMZqQ1A==$59XnAeYrE4A4Hjxk3uwJ2GAiLWJBUPqKxwBJc44S8Zs="
    assert verify_password("x", old)
    assert needs_rehash(old) and not needs_rehash(hash_password("x"))


def test_hashing_never_blocks_the_event_loop_and_runs_bounded():
    ticks = []
    ticker = eventlet.spawn(lambda: [ticks.append(eventlet.sleep(0.01)) for _ in range(20)])
    pool = eventlet.GreenPool()
    results = list(pool.imap(lambda _: hash_password("pw"), range(3)))
    ticker.wait()
    assert len(results) == 3 and len(ticks) == 20
    assert (
        passwords.HASHING.counter == passwords.HASHING.original_counter
        if hasattr(passwords.HASHING, "original_counter")
        else passwords.HASHING.counter >= 1
    )

"""One realtime instance speaks: the smallest id among those recently alive."""

from services.realtime.instances import Instances


def test_the_smallest_live_instance_speaks_and_a_silent_one_is_passed_over():
    b = Instances("b", timeout=3.0)
    assert b.speaks(0.0)
    b.alive("a", 0.0)
    assert not b.speaks(1.0) and b.speaker(1.0) == "a"
    assert b.speaks(4.0)  # a fell silent
    b.alive("a", 5.0)
    b.stopped("a")
    assert b.speaks(5.0)


def test_a_new_instance_keeps_quiet_until_it_has_heard_the_others():
    new = Instances("a", timeout=3.0, started=10.0)
    assert not new.speaks(11.0)
    assert new.speaks(13.0)

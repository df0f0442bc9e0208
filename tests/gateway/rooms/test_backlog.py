"""A socket's backlog: in order, bounded in bytes, and a partly written frame kept whole."""

from gateway.rooms.backlog import Backlog


def drain(backlog: Backlog, step: int) -> bytes:
    out = b""
    while backlog:
        chunk = bytes(backlog.head()[:step])
        backlog.written(len(chunk))
        out += chunk
    return out


def test_what_waits_comes_out_in_order_from_where_the_socket_stopped():
    backlog = Backlog(limit=100)
    backlog.push(b"abcdef", written=2)
    backlog.push(b"gh")
    assert backlog.size == 6
    assert drain(backlog, 3) == b"cdefgh" and backlog.size == 0 and not backlog


def test_the_limit_is_in_bytes_and_a_first_frame_always_fits():
    backlog = Backlog(limit=10)
    assert backlog.fits(50)  # nothing waits: a large frame still goes to a client that reads
    backlog.push(b"x" * 6)
    assert backlog.fits(4) and not backlog.fits(5)


def test_dropping_keeps_a_partly_written_frame_and_nothing_after_it():
    backlog = Backlog(limit=100)
    backlog.push(b"abcdef", written=4)
    backlog.push(b"later")
    backlog.drop_unstarted()
    assert drain(backlog, 100) == b"ef"
    backlog.push(b"unstarted")
    backlog.drop_unstarted()
    assert not backlog and backlog.size == 0

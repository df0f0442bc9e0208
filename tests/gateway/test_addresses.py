"""The client address the login throttle counts against."""

from gateway.addresses import client_address, trusted_proxies

PROXIES = trusted_proxies("10.0.0.0/8, 192.168.1.1")


def test_the_peer_without_a_trusted_proxy():
    assert client_address("203.0.113.9", "1.2.3.4", PROXIES) == "203.0.113.9"
    assert client_address("203.0.113.9", None, ()) == "203.0.113.9"


def test_forwarded_for_only_from_a_trusted_proxy_and_its_right_most_untrusted_hop():
    assert client_address("10.1.2.3", "1.2.3.4", PROXIES) == "1.2.3.4"
    assert client_address("10.1.2.3", "6.6.6.6, 1.2.3.4, 192.168.1.1", PROXIES) == "1.2.3.4"
    assert client_address("192.168.1.1", "10.0.0.7", PROXIES) == "10.0.0.7"

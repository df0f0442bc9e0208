"""services/common/amqp_pools.py: nameko's pooled connections and producers, found without a new
kombu Connection per message (a real RabbitMQ)."""

import nameko.amqp.publish
from kombu import Exchange, Queue
from kombu.pools import connections, producers

from services.common import amqp_pools


def test_the_same_parameters_make_one_template_and_name_kombus_pools(amqp_uri):
    first = amqp_pools.template(amqp_uri)
    assert amqp_pools.template(amqp_uri, options=None) is first
    assert amqp_pools.template(amqp_uri, options={"confirm_publish": True}) is not first
    with amqp_pools.get_connection(amqp_uri) as pooled:
        pass
    with nameko.amqp.publish.get_connection(amqp_uri) as by_nameko:
        assert by_nameko is pooled  # the same pool as nameko's own lookup: one connection
    assert connections[first] is connections[amqp_pools.template(amqp_uri)]


def test_a_producer_from_the_pool_publishes_with_or_without_confirms(amqp_uri):
    queue = Queue("setlist-test-amqp-pools", Exchange("setlist-test-amqp-pools"), "key")
    with amqp_pools.get_connection(amqp_uri) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        bound.purge()
    for confirms in (True, False, True):
        with amqp_pools.get_producer(amqp_uri, confirms) as producer:
            producer.publish({"confirms": confirms}, exchange=queue.exchange, routing_key="key")
    options = {**nameko.amqp.publish.DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": True}
    assert (
        producers[amqp_pools.template(amqp_uri, options=options)]
        is not producers[
            amqp_pools.template(amqp_uri, options={**options, "confirm_publish": False})
        ]
    )
    received: list[dict[str, bool]] = []
    with amqp_pools.get_connection(amqp_uri) as connection:
        with connection.Consumer(queue, callbacks=[lambda body, message: received.append(body)]):
            while len(received) < 3:
                connection.drain_events(timeout=10)
        queue(connection.default_channel).delete()
    # Each kind of producer has a connection of its own, and the broker orders messages per
    # channel only: the unconfirmed one may arrive after the confirmed one published after it.
    assert sorted(received, key=lambda body: body["confirms"]) == [
        {"confirms": False},
        {"confirms": True},
        {"confirms": True},
    ]


def test_install_puts_them_in_place_of_nameko_s(monkeypatch):
    monkeypatch.setattr(nameko.amqp.publish, "get_producer", nameko.amqp.publish.get_producer)
    monkeypatch.setattr(nameko.amqp.publish, "get_connection", nameko.amqp.publish.get_connection)
    amqp_pools.install()
    assert nameko.amqp.publish.get_producer is amqp_pools.get_producer
    assert nameko.amqp.publish.get_connection is amqp_pools.get_connection

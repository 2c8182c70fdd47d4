"""A few clients that send their request headers a byte at a time must not take every worker: the
others are still answered at once."""

import socket
import time

import requests


def slow_client(server) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", server.port))
    connection.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
    return connection


def test_three_slow_clients_do_not_starve_one_worker(stack):
    server = stack.server(production=True, workers=1, task_worker=False)  # no email is sent here
    slow = [slow_client(server) for _ in range(3)]
    try:
        time.sleep(0.5)
        began = time.monotonic()
        response = requests.get(server.url("/healthz/"), timeout=10, headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert time.monotonic() - began < 2
    finally:
        for connection in slow:
            connection.close()

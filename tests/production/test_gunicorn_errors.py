"""What gunicorn answers itself, before Django sees a request it cannot read (a broken request line, a URI
or headers too long), is the site's Japanese page with its security headers (gunicorn.conf.py)."""

import socket

import pytest

PAGES = {
    400: "リクエストを処理できませんでした",
    414: "アドレスが長すぎます",
    431: "リクエストのヘッダーが大きすぎます",
}


def raw(server, request: bytes) -> tuple[int, dict, str]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _colon, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body.decode()


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"NOT A REQUEST LINE\r\n\r\n", 400),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(120)) + b"\r\n", 431),
    ],
)
def test_gunicorns_own_error_pages_are_japanese_with_the_security_headers(stack, request_bytes, status):
    server = stack.server(production=True, workers=1, task_worker=False)
    got, headers, body = raw(server, request_bytes)
    assert got == status
    assert PAGES[status] in body and '<html lang="ja">' in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body.encode())
    assert "Bad Request" not in body and "Invalid" not in body

"""The README's WSGI example, as written there, served on loopback and posted to."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = "<!-- example: wsgi"


def example_source() -> str:
    text = README.read_text(encoding="utf-8")
    block = text[text.index(MARKER):]
    start = block.index("```python\n") + len("```python\n")
    return block[start:block.index("```", start)]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def post(url: str, body: bytes, language: str = "de") -> tuple:
    request = urllib.request.Request(url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_the_readme_example_validates_posted_forms() -> None:
    namespace: dict = {"__name__": "example"}
    exec(compile(example_source(), str(README), "exec"), namespace)
    server = make_server("127.0.0.1", 0, namespace["app"], handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        status, result = post(url, b"email=anna%40example.de&country=DE&justification="
                                   b"Meta+must+not+train+its+AI+on+my+posts.")
        assert status == 200 and result["valid"] is True and result["locale"] == "de"
        status, result = post(url, b"email=j%C3%B6rg%40ex%C3%A4mple.de&country=DE")
        assert result["fields"]["email"]["value"] == "jörg@exämple.de"
        status, result = post(url, b"email=anna%40gmial.com&country=Narnia", language="fr-CA")
        assert status == 422 and result["locale"] == "fr"
        assert result["fields"]["country"]["errors"][0]["code"] == "country.unknown"
        assert result["fields"]["email"]["warnings"][0]["code"] == "email.typo"
        status, result = post(url, b"email=anna%FF%40example.de")
        assert status == 422
        assert result["fields"]["email"]["errors"][0]["code"] == "encoding"
        try:
            urllib.request.urlopen(url, timeout=10).close()
            raise AssertionError("GET was answered")
        except urllib.error.HTTPError as error:
            assert error.code == 405
    finally:
        server.shutdown()
        thread.join()
        server.server_close()

"""One Validator shared by threads: the same results as one thread, and the GIL released
while libveto validates."""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import veto


def forms() -> list:
    emails = ["anna@example.de", "anna@gmial.com", "bad@", "jörg@exämple.de", "a\ud800@x.de"]
    countries = ["DE", "FR", "narnia", "", "us"]
    phones = ["030 123456", "+33 1 23 45 67 89", "12", "+1 202 555 0143"]
    return [{"email": emails[i % 5], "country": countries[i % 7 % 5], "phone": phones[i % 4],
             "justification": "Meta must not train its AI on my posts." * (i % 3)}
            for i in range(400)]


def test_threads_share_a_validator(validator: veto.Validator) -> None:
    todo = forms()
    locales = ["en", "de", "fr", "pl"]
    alone = [validator.validate(f, locale=locales[i % 4]) for i, f in enumerate(todo)]

    def run(offset: int) -> list:
        order = list(range(len(todo)))[offset:] + list(range(len(todo)))[:offset]
        got = {i: validator.validate(todo[i], locale=locales[i % 4]) for i in order}
        return [got[i] for i in range(len(todo))]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(0, 400, 50)))
    assert all(r == alone for r in results)


def test_the_gil_is_released_while_validating(validator: veto.Validator) -> None:
    # A document of ~1 MB takes libveto milliseconds. With the GIL held for the call (a
    # ctypes.PyDLL would hold it) the other thread could not run until the call returned,
    # since the switch interval is made longer than the call; released, it runs meanwhile.
    document = json.dumps({"justification": "Meta must not train its AI. " * 30000})
    stamps = []
    stop = threading.Event()
    started = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            stamps.append(time.monotonic())
            started.set()
            time.sleep(0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(5.0)
    ticker = threading.Thread(target=tick)
    try:
        ticker.start()
        started.wait()
        during = 0
        for _ in range(5):
            begin = time.monotonic()
            validator.validate_json(document)
            end = time.monotonic()
            during += sum(begin < s < end for s in list(stamps))
    finally:
        stop.set()
        ticker.join()
        sys.setswitchinterval(interval)
    assert during > 0

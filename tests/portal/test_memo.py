from core import memo
from core.memo import process_memo


def test_it_keeps_at_most_maxsize_results_and_no_misses_when_asked(monkeypatch):
    calls = []

    @process_memo(seconds=60, maxsize=3, keep_none=False)
    def lookup(key):
        calls.append(key)
        return None if key.startswith("bogus") else key.upper()

    for n in range(100):
        assert lookup(f"bogus-{n}") is None
    for key in ("a", "b", "c", "d"):
        lookup(key)
    lookup("d")
    lookup("a")  # evicted as the least recently used when "d" came in
    assert calls.count("d") == 1 and calls.count("a") == 2
    lookup.clear()


def test_it_forgets_after_its_time(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    calls = []

    @process_memo(seconds=2)
    def lookup(key):
        calls.append(key)
        return key

    lookup("x")
    clock[0] += 1
    lookup("x")
    clock[0] += 1.5
    lookup("x")
    assert calls == ["x", "x"]


def test_a_result_read_again_is_kept_over_one_read_longer_ago():
    calls = []

    @process_memo(seconds=60, maxsize=2)
    def lookup(key):
        calls.append(key)
        return key

    lookup("a")
    lookup("b")
    lookup("a")  # now "b" is the least recently used
    lookup("c")
    lookup("a")
    lookup("b")
    assert calls == ["a", "b", "c", "b"]

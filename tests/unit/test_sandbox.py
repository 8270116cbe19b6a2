"""The sandbox for heavy work on untrusted input: limits of time and memory, failures kept to one task,
a bounded number of children per host."""

import threading
import time

import pytest

from docservice.errors import ServiceUnavailable, TooComplex, UnreadableFile, ValidationFailed
from docservice.sandbox import Failed, Limits, Sandbox


def spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "xong"


def hog(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def refuse(text: str) -> None:
    raise ValidationFailed(f"Không hợp lệ: {text}", errors={"file": text})


def crash(_item: object) -> None:
    raise KeyError("word/document.xml")


def square(value: int) -> int:
    if value == 3:
        spin(10)
    if value == 5:
        hog(2048)
    return value * value


@pytest.fixture
def sandbox(tmp_path):
    return Sandbox(tmp_path, slots=1, wait_seconds=0.5, limits=Limits(seconds=2, memory_mb=512))


def test_a_task_runs_and_its_own_errors_come_back_as_they_were(sandbox):
    assert sandbox.run(spin, 0.01, what="Thử") == "xong"
    with pytest.raises(ValidationFailed) as refused:
        sandbox.run(refuse, "sai", what="Thử")
    assert refused.value.errors == {"file": "sai"} and refused.value.status == 422
    with pytest.raises(UnreadableFile, match="không xử lý được"):
        sandbox.run(crash, None, what="Tệp")


def test_time_and_memory_have_a_ceiling(sandbox):
    started = time.monotonic()
    with pytest.raises(TooComplex, match="thời gian") as slow:
        sandbox.run(spin, 60, what="Tệp Word")
    assert time.monotonic() - started < 6 and slow.value.status == 422 and "Tệp Word" in slow.value.detail
    with pytest.raises(TooComplex, match="bộ nhớ"):
        sandbox.run(hog, 2048, what="Tệp Word")
    assert sandbox.run(hog, 10, what="Tệp Word") == 10 * 1024 * 1024  # the service goes on


def test_map_keeps_a_failure_to_its_own_item(sandbox):
    results = sandbox.map(square, [1, 2, 3, 4, 5, 6], what="Phần")
    assert results[:2] == [1, 4] and results[3] == 16 and results[5] == 36
    assert isinstance(results[2], Failed) and "thời gian" in results[2].reason
    assert isinstance(results[4], Failed) and "bộ nhớ" in results[4].reason


def test_only_so_many_children_run_at_once_and_the_rest_wait_then_get_503(sandbox):
    started = threading.Event()

    def busy():
        with sandbox.slot():
            started.set()
            time.sleep(1.5)

    holder = threading.Thread(target=busy)
    holder.start()
    started.wait()
    with pytest.raises(ServiceUnavailable) as waited:
        sandbox.run(spin, 0.01, what="Thử")
    assert waited.value.status == 503 and waited.value.headers["Retry-After"]
    holder.join()
    assert sandbox.run(spin, 0.01, what="Thử") == "xong"

"""The blob-store suite: every ``BlobStore`` backend must pass it (today: the filesystem)."""

import hashlib

import pytest

from docservice.archive.blobs import FilesystemBlobStore
from docservice.errors import NotFound


@pytest.fixture(params=["filesystem"])
def store(request, tmp_path):
    return FilesystemBlobStore(tmp_path / "files")


def test_bytes_come_back_identical_under_their_sha256(store, tmp_path):
    data = "Biên bản sinh hoạt chi bộ tháng 9".encode() * 1000
    source = tmp_path / "in.pdf"
    source.write_bytes(data)
    digest, size = store.put_file(source)
    assert digest == hashlib.sha256(data).hexdigest() and size == len(data)
    with store.open(digest) as handle:
        assert handle.read() == data
    assert store.exists(digest) and list(store.digests()) == [digest]


def test_storing_twice_keeps_one_copy_and_leaves_no_temporary_files(store):
    first = store.put_bytes(b"%PDF-1.7 hello")
    second = store.put_bytes(b"%PDF-1.7 hello")
    assert first == second
    assert [p.name for p in store.root.rglob("*") if p.is_file()] == [first[0]]


def test_unknown_or_malformed_digests_are_not_found(store):
    for digest in ("0" * 64, "../../etc/passwd", "A" * 64, ""):
        assert not store.exists(digest)
        with pytest.raises(NotFound):
            store.open(digest)


def test_stored_files_are_read_only(store):
    digest, _ = store.put_bytes(b"data")
    path = store.root / digest[:2] / digest[2:4] / digest
    assert path.stat().st_mode & 0o222 == 0

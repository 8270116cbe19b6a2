"""Content-addressed file storage: every file is kept byte for byte under its SHA-256.

``FilesystemBlobStore`` writes to a temporary file in the store, fsyncs it, renames it into place
and fsyncs the directory, so a crash leaves either the whole file or a stray ``.tmp`` file that
fixity reports, never a half-written blob under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from docservice.errors import NotFound
from docservice.processes import alive

CHUNK = 1024 * 1024


class BlobStore(Protocol):
    """Stores files by SHA-256. ``open`` raises ``NotFound`` for an unknown digest."""

    def put_file(self, source: Path) -> tuple[str, int]:
        """Store a copy of ``source``; return its SHA-256 hex digest and size."""
        ...

    def put_bytes(self, data: bytes) -> tuple[str, int]: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def digests(self) -> Iterator[str]:
        """Every stored digest (for fixity and backups)."""
        ...

    def remove(self, sha256: str) -> None:
        """Delete a stored file (disposal at the end of its retention only)."""
        ...


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FilesystemBlobStore:
    """Blobs in ``root/ab/cd/abcd…``, written with temp file → fsync → rename → fsync dir."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound()
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_file(self, source: Path) -> tuple[str, int]:
        digest = sha256_of(source)
        target = self._path(digest)
        if not target.exists():
            with source.open("rb") as handle:
                self._write_atomically(target, iter(lambda: handle.read(CHUNK), b""))
        return digest, target.stat().st_size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        digest = hashlib.sha256(data).hexdigest()
        target = self._path(digest)
        if not target.exists():
            self._write_atomically(target, iter([data]))
        return digest, len(data)

    def _write_atomically(self, target: Path, chunks: Iterator[bytes]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{os.getpid()}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp_name, 0o440)
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise NotFound("Tệp lưu trữ không còn trong kho.") from exc

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).is_file()
        except NotFound:
            return False

    def digests(self) -> Iterator[str]:
        for path in sorted(self.root.glob("??/??/*")):
            if len(path.name) == 64 and path.is_file():
                yield path.name

    def path_of(self, sha256: str) -> Path:
        """Where the file lies (for fixity, backup and restore)."""
        return self._path(sha256)

    def temporary_files(self) -> list[Path]:
        """Half-written files (``.<pid>-….tmp``) in the store."""
        return sorted(self.root.glob("??/??/.*.tmp"))

    def remove_stale_temporary(self) -> list[Path]:
        """Remove temporary files whose writing process is gone (after a crash); return them."""
        removed = []
        for path in self.temporary_files():
            pid = path.name[1:].split("-", 1)[0]
            if pid.isdigit() and alive(int(pid)):
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
        return removed

    def remove(self, sha256: str) -> None:
        path = self._path(sha256)
        path.unlink(missing_ok=True)

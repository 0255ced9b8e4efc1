"""Opening the curator's input files: every path is confined to its folder and must name a
regular file, checked on the open file itself before a byte is read or hashed.

Annotation files live in annotations/, articles in articles/ (both relative to the project
folder). A path is walked one component at a time from the project folder, none followed
through a symbolic link (O_NOFOLLOW), and the last is opened without blocking (a FIFO opens at
once instead of waiting for a writer); only then does fstat say whether it is a regular file.
So a link, a FIFO, a device or a folder where a file belongs is refused, with what it is,
and an unreadable file gives a message with its path instead of an exception.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

BLOCK = 1 << 20
KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


class InputProblem(Exception):
    """A path that cannot be read as a regular file inside its folder: str() is the path and
    the reason ("articles/a.txt is a FIFO (named pipe), not a regular file")."""

    def __init__(self, rel: str, reason: str, hint: str = ""):
        super().__init__(f"{rel} {reason}")
        self.rel, self.reason, self.hint = rel, reason, hint


def kind_of(mode: int) -> str | None:
    """What a file is, from its st_mode: None for a regular file."""
    return None if stat.S_ISREG(mode) else KINDS.get(stat.S_IFMT(mode), "not a regular file")


def not_regular(rel: str, kind: str) -> InputProblem:
    return InputProblem(rel, f"is {kind}, not a regular file",
                        "links are not followed: put the file itself there" if kind == KINDS[stat.S_IFLNK] else
                        "replace it with the file itself")


def confine(rel: str, folder: str) -> list[str]:
    """The components of `rel`, a posix path that must lie inside `folder` (both relative to
    the project folder): no absolute path, no '..' or '.', no empty component."""
    parts = rel.split("/") if isinstance(rel, str) else []
    if (len(parts) < 2 or parts[0] != folder or "\\" in rel or "\0" in rel
            or any(part in ("", ".", "..") for part in parts)):
        raise InputProblem(str(rel), f"is not a path inside {folder}/",
                           f"write it relative to the project folder, e.g. {folder}/<file name>")
    return parts


def open_input(root: Path, rel: str, folder: str) -> int:
    """A file descriptor of the regular file `rel` inside `folder`; InputProblem otherwise."""
    parts = confine(rel, folder)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_NONBLOCK if last else os.O_DIRECTORY)
            shown = "/".join(parts[:i + 1])
            try:
                child = os.open(part, flags, dir_fd=fd)
            except FileNotFoundError:
                raise InputProblem(shown, "does not exist") from None
            except PermissionError:
                raise InputProblem(shown, "cannot be read: permission denied",
                                   "give the file (and its folder) read permission") from None
            except OSError as e:  # a link (ELOOP), a file where a folder belongs (ENOTDIR), a socket (ENXIO)...
                raise _what_is(fd, part, shown, e) from None
            os.close(fd)
            fd = child
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise not_regular(rel, kind_of(mode))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _what_is(dir_fd: int, name: str, shown: str, error: OSError) -> InputProblem:
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return InputProblem(shown, f"cannot be read: {error.strerror or error}")
    kind = kind_of(mode)
    return not_regular(shown, kind) if kind else InputProblem(shown, f"cannot be read: {error.strerror or error}")


def read_input(root: Path, rel: str, folder: str) -> bytes:
    """The bytes of a regular file inside `folder`; InputProblem (with the reason) otherwise."""
    fd = open_input(root, rel, folder)
    try:
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    except OSError as e:  # e.g. EIO, or a file that is really a folder on an odd file system
        raise InputProblem(rel, f"cannot be read: {e.strerror or e}") from None
    finally:
        os.close(fd)


def hash_input(root: Path, rel: str, folder: str) -> str | None:
    """sha256 of a regular file inside `folder`, None if it is not one or cannot be read."""
    try:
        fd = open_input(root, rel, folder)
    except (InputProblem, OSError):
        return None
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as f:
            for block in iter(lambda: f.read(BLOCK), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)

"""Write output files atomically: a reader never sees half a report, and a failed run
never leaves a truncated file where a good one was.

An output is only ever a regular file: a path that exists and is anything else (a device such
as /dev/null, a FIFO, a socket, a folder) is refused, never replaced. A symbolic link is
followed (the file it points to is replaced, the link stays). :func:`check_outputs` refuses,
before any work is done, an output that is the same file as an input (by device and inode, so
symbolic and hard links count) or the same as another output. Errors name the path the user
gave, never the temporary file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from engine.errors import InputError

_KINDS = ((stat.S_ISDIR, "文件夹"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISSOCK, "套接字"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "特殊文件")


def check_target(path: Path, flag: str | None = None) -> None:
    """Refuse an output path that exists and is not a regular file (following symbolic links)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # cannot be looked at (a dangling link, no permission): the write itself will say
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"输出路径已存在且是{_kind(st.st_mode)}，不是普通文件：不会写入或替换它",
                         file=str(path), field=flag, hint="请换一个文件名")


def _identity(path: Path) -> tuple[object, ...]:
    """Who a path is: (device, inode) when it exists, else its absolute real path."""
    try:
        st = os.stat(path)
        return ("inode", st.st_dev, st.st_ino)
    except OSError:
        return ("path", os.path.realpath(path))


def check_outputs(outputs: Iterable[tuple[Path | None, str]], inputs: Iterable[Path | None]) -> None:
    """Before any work: every output a regular file (or new), none the same file as an input
    or as another output. ``outputs`` are (path, option) pairs; ``None`` entries are skipped."""
    given = [(Path(p), flag) for p, flag in outputs if p is not None]
    seen: dict[tuple[object, ...], str] = {}
    for path, flag in given:
        check_target(path, flag)
        me = _identity(path)
        if me in seen:
            raise InputError(f"与 {seen[me]} 是同一个文件：两份输出会互相覆盖", file=str(path), field=flag,
                             hint="请给两者不同的文件名")
        seen[me] = flag
    if not given:
        return
    for source in inputs:
        if source is None:
            continue
        me = _identity(Path(source))
        if me[0] != "inode":
            continue
        for path, flag in given:
            if _identity(path) == me:
                raise InputError(f"输出文件不能覆盖输入文件：它就是 {source}（或它的链接）",
                                 file=str(path), field=flag, hint="请换一个文件名")


def write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    """Call ``writer`` on a temporary file beside ``path``, then rename it into place.

    ``path`` must be new or a regular file; an OSError names ``path`` (as the user gave it),
    not the temporary file; nothing is left behind when the writer fails or is interrupted.
    """
    given = Path(path)
    check_target(given)
    real = Path(os.path.realpath(given))  # a symbolic link is written through, not replaced
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(given)) from None
    os.close(fd)
    try:
        writer(Path(tmp))
        try:
            mode = stat.S_IMODE(os.stat(real).st_mode)  # an existing report keeps its permissions
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes 0600; a report is an ordinary file
        os.chmod(tmp, mode)
        check_target(given)  # it may have become something else while we worked
        os.replace(tmp, real)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.errno is None and not exc.strerror:
            raise
        raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(given)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_atomic(path, lambda p: p.write_text(text, encoding=encoding))

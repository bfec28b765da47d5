"""Files that appear whole or not at all, and the temporaries a killed run leaves behind.

Every file zs writes goes through `write_all_atomically`: it is written to a temporary name
beside its target (``.NAME.PID.XXXX.tmp``), flushed to disk and closed inside the check, and
only then renamed into place, so a full disk is one sentence and never "written". A target that
is not a regular file (``/dev/stdout``, a pipe, ``/dev/full``) cannot be renamed over; its bytes
are written into it and each step is checked the same way.

The temporaries carry the pid of the run that made them: a later run removes those of its own
kind whose run is no longer alive, and `zs check` lists any it finds beside the ledger.
"""

import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from zhaoshang_cli.core.errors import CannotWrite, Invalid
from zhaoshang_cli.core.i18n import _, os_reason

# .NAME.PID.tmp (backups) or .NAME.PID.XXXXXXXX.tmp (mkstemp), and SQLite's files beside them.
TEMPORARY = re.compile(
    r"^\.(?P<name>.+)\.(?P<pid>\d+)(?:\.[A-Za-z0-9_]+)?\.tmp(?:-journal|-wal|-shm)?$"
)
COPY_CHUNK = 1 << 20
# fsync on a device or a pipe: there is nothing to flush, which is not a failed write.
NOT_SYNCABLE = {errno.EINVAL, errno.ENOTSUP, errno.EROFS, errno.EBADF}


@dataclass(frozen=True)
class Leftover:
    path: Path
    name: str  # the file it was on its way to becoming
    size_bytes: int


def temporary_beside(path: Path) -> Path:
    """A new, empty temporary file beside ``path``, named so that it can be traced to this run."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, name = tempfile.mkstemp(
        dir=folder, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"
    )
    os.close(handle)
    return Path(name)


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except (OverflowError, OSError):
        return False
    return True


def leftovers(folder: Path, belongs: Callable[[str], bool] = lambda name: True) -> list[Leftover]:
    """Temporaries in ``folder`` whose run has died, for targets that ``belongs`` accepts."""
    found = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = TEMPORARY.match(entry.name)
        if match is None or not belongs(match["name"]) or pid_alive(int(match["pid"])):
            continue
        try:
            size = entry.lstat().st_size
        except OSError:
            continue
        found.append(Leftover(entry, match["name"], size))
    return found


def clear_leftovers(folder: Path, belongs: Callable[[str], bool]) -> list[Leftover]:
    """Remove what killed runs left on their way to a file of this kind; returns what went."""
    removed = []
    for leftover in leftovers(folder, belongs):
        try:
            leftover.path.unlink()
        except OSError:
            continue
        removed.append(leftover)
    return removed


def check_writable_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise Invalid(_("The folder {folder} does not exist.").format(folder=folder))
    try:  # os.access says yes to root even where a write would fail, so try one
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise Invalid(
            _("The folder {folder} is not writable ({reason}).").format(
                folder=folder, reason=os_reason(exc)
            )
        ) from None


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside ``path``, then rename it into place: a reader never
    sees half a file, and a failure leaves nothing behind."""
    write_all_atomically({Path(path): write})


def write_all_atomically(writers: dict[Path, Callable[[Path], None]]) -> None:
    """Several files that belong together: all are written to temporary names first and
    renamed only when every one is on disk. A full disk (or any refusal to write) is one
    sentence, with every temporary file removed."""
    temporaries: dict[Path, Path] = {}
    devices: set[Path] = set()  # targets written in place, staged in a private folder
    failure: str | None = None
    try:
        for path, write in writers.items():
            folder = path.parent if str(path.parent) else Path(".")
            kind = existing_kind(path)
            if kind == "folder":
                raise Invalid(_("{path} is a folder; name a file to write.").format(path=path))
            if kind == "special":  # written in place below; stage it where nobody looks
                devices.add(path)
                temporary = Path(tempfile.mkdtemp(prefix=".zs-")) / path.name
            else:
                check_writable_folder(folder)
                clear_leftovers(folder, lambda name, target=path.name: name == target)
                temporary = temporary_beside(path)
            temporaries[path] = temporary
            try:
                write(temporary)
                sync_file(temporary)
                os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; files are shared
            except OSError as exc:
                failure = cannot_write(path, exc)
                break
        if failure is None:
            failure = put_in_place(temporaries, devices)
    except BaseException:
        remove(temporaries, devices)
        raise
    remove(temporaries, devices)
    if failure is not None:  # raised outside the handler, so the OSError's frames are gone
        raise CannotWrite(failure)


def put_in_place(temporaries: dict[Path, Path], devices: set[Path]) -> str | None:
    """Rename each file into place (or copy it into a device); the sentence of a failure."""
    folders = set()
    for path, temporary in temporaries.items():
        try:
            if path in devices:
                copy_into(temporary, path)
            else:
                os.replace(temporary, path)
                folders.add(path.parent if str(path.parent) else Path("."))
        except OSError as exc:
            return cannot_write(path, exc)
    for folder in folders:
        sync_folder(folder)
    return None


def existing_kind(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "special"


def copy_into(source: Path, target: Path) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(COPY_CHUNK):
            writer.write(chunk)
        writer.flush()
        try:
            os.fsync(writer.fileno())
        except OSError as exc:
            if exc.errno not in NOT_SYNCABLE:
                raise


def sync_file(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def sync_folder(folder: Path) -> None:
    """The new name on disk too; Windows opens no folder (NTFS journals it)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in NOT_SYNCABLE:
            raise
    finally:
        os.close(handle)


def cannot_write(path: Path, exc: OSError) -> str:
    return _("Could not write {file}: {reason}; no file was written.").format(
        file=path, reason=os_reason(exc)
    )


def remove(temporaries: dict[Path, Path], devices: set[Path]) -> None:
    for path, temporary in temporaries.items():
        if path in devices:
            shutil.rmtree(temporary.parent, ignore_errors=True)
        else:
            temporary.unlink(missing_ok=True)


def describe(found: Iterable[Leftover]) -> list[str]:
    return [
        _("{file} ({size}) was left by a run that was killed; delete it.").format(
            file=leftover.path, size=byte_size(leftover.size_bytes)
        )
        for leftover in found
    ]


def byte_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    scaled = size / 1024
    for unit in ("KB", "MB", "GB"):
        if scaled < 1024 or unit == "GB":
            break
        scaled /= 1024
    return f"{scaled:.1f} {unit}"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

"""Input files of `extract` and `validate`: named ones, and those found in directories.

What cannot be read is said, never skipped: a directory that cannot be listed (its files
would silently be missing from the output) and anything that is not a regular file (a FIFO
would block the command forever, a device would never end).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket"}


@dataclass
class Inputs:
    files: list[Path] = field(default_factory=list)  # regular files, in the order given (directories sorted)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # (path, why)


def find_inputs(names: list[str], suffixes: tuple[str, ...], skip: tuple[str, ...] = ()) -> Inputs:
    """Files named (any name) and files under named directories whose names end with `suffixes`
    and do not start with `skip`."""
    inputs = Inputs()
    for name in names:
        path = Path(name)
        if path.is_dir():
            errors: list[OSError] = []
            found = []
            for root, dirs, files in os.walk(path, onerror=errors.append):
                dirs.sort()
                found += [Path(root) / f for f in files
                          if f.lower().endswith(suffixes) and not (skip and f.startswith(skip))]
            for file in sorted(found):
                _add(inputs, file)
            inputs.unreadable += [(Path(e.filename or path), f"directory not readable: {e.strerror or e}")
                                  for e in errors]
        else:
            _add(inputs, path)
    return inputs


def _add(inputs: Inputs, path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        inputs.files.append(path)  # reading it says why (a dangling link, a vanished file)
        return
    if stat.S_ISREG(mode):
        inputs.files.append(path)
    elif not stat.S_ISDIR(mode):
        inputs.unreadable.append((path, f"not a regular file but {KINDS.get(stat.S_IFMT(mode), 'a special file')}"))

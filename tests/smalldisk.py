"""A real, small filesystem for disk-full tests: a size-limited tmpfs.

As root (CI) the tmpfs is mounted at the directory itself. Otherwise it is mounted in a
user and mount namespace of our own (unshare, no privileges needed where the kernel allows
unprivileged user namespaces): a holder process keeps the namespace alive, commands run
inside it through nsenter, and the test reads the files through /proc/HOLDER/root.
Either way the program under test writes to a real filesystem that returns ENOSPC.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any


class SmallDisk:
    def __init__(self, mountpoint: Path, size: int) -> None:
        self.mountpoint = mountpoint
        self.size = size
        self.holder: subprocess.Popen[str] | None = None
        mountpoint.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mountpoint)],
                           check=True)
            self.path = mountpoint
            return
        if not (shutil.which("unshare") and shutil.which("nsenter")):
            raise RuntimeError("a disk-full test needs root (mount) or unshare and nsenter (util-linux)")
        self.holder = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
             'mount -t tmpfs -o "size=$1,mode=0755" tmpfs "$2" && echo mounted && exec sleep 3600',
             "sh", str(size), str(mountpoint)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.holder.stdout is not None
        if self.holder.stdout.readline().strip() != "mounted":
            self.holder.kill()
            _, err = self.holder.communicate()
            raise RuntimeError(f"cannot mount a tmpfs in a user namespace: {err.strip()}")
        self.path = Path(f"/proc/{self.holder.pid}/root") / mountpoint.relative_to("/")

    def command(self, argv: list[str]) -> list[str]:
        """argv run so that it sees the small filesystem at `mountpoint`."""
        if self.holder is None:
            return argv
        return ["nsenter", f"--target={self.holder.pid}", "--user", "--mount", "--preserve-credentials", *argv]

    def fill(self, leave: int) -> None:
        """Take all the free space but `leave` bytes."""
        stat = os.statvfs(self.path)
        free = stat.f_bavail * stat.f_frsize
        with (self.path / "filler").open("ab") as handle:
            handle.write(b"\0" * max(0, free - leave))

    def free(self) -> None:
        (self.path / "filler").unlink(missing_ok=True)

    def close(self) -> None:
        if self.holder is not None:
            self.holder.kill()
            self.holder.wait()
        else:
            subprocess.run(["umount", "-l", str(self.mountpoint)], check=False)

    def __enter__(self) -> SmallDisk:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

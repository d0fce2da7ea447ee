"""The state directory's run lock names its holder, even to a run started at the same moment."""

from __future__ import annotations

import fcntl
import json
import threading
import time
from pathlib import Path

import pytest

from crawler.extensions.stateguard import LOCK_NAME, StateLocked, acquire


def test_a_run_started_while_the_holder_writes_its_line_names_the_holder(tmp_path: Path) -> None:
    # The holder truncates the file after taking the lock, then writes its line: a second run
    # in between read an empty file and reported only "lock held".
    holder = (tmp_path / LOCK_NAME).open("a+", encoding="utf-8")
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def write_line() -> None:
        time.sleep(0.3)
        holder.write(json.dumps({"pid": 4242, "run_id": "r1", "started_at": "2026-12-05T13:00:00+00:00"}) + "\n")
        holder.flush()

    writer = threading.Thread(target=write_line)
    writer.start()
    try:
        with pytest.raises(StateLocked, match=r"pid 4242, run r1"):
            acquire(tmp_path, "r2")
    finally:
        writer.join()
        holder.close()


def test_a_lock_free_again_is_taken_and_names_the_new_holder(tmp_path: Path) -> None:
    first = acquire(tmp_path, "r1")
    with pytest.raises(StateLocked, match=r"run r1"):
        acquire(tmp_path, "r2")
    first.close()
    second = acquire(tmp_path, "r2")
    try:
        assert json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))["run_id"] == "r2"
    finally:
        second.close()

"""Worker processes end with the process that started them.

A crawl killed with SIGKILL cannot shut its extraction pool down: the fork server and
its workers would wait forever on their queues. Each of them watches its parent and
exits as soon as the parent is gone (the parent id changes when it dies).
"""

from __future__ import annotations

import os
import threading
import time


def watch_parent(interval: float = 1.0) -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(0)  # no cleanup to do: results go nowhere once the parent is gone

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()

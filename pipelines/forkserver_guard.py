"""Preloaded by the extraction pool's fork server: it watches the crawl process that started it.

(The fork server only runs code by importing the modules named in its preload list.)
"""

from .workerguard import watch_parent

watch_parent()

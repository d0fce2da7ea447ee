"""Signals of our own (Scrapy's signal manager carries them): sent by the spider and the part
writer, received by extensions, the CLI and the distributed scheduler."""

# A requested page produced no item: sent with url (as requested), reason (code) and detail.
page_failed = object()

# A request's callback (or errback) finished: sent with request and produced_record (bool).
request_done = object()

# A crash-safe output part is complete and its URLs are marked written: sent with requested_urls.
part_completed = object()

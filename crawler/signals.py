"""Signals of our own (Scrapy's signal manager carries them)."""

# A requested page produced no item: sent with url (as requested), reason (code) and detail.
page_failed = object()

"""Scrapy extensions of our own: the run summary and terminal progress."""

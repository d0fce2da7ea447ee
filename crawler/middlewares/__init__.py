"""Downloader middlewares of our own (each replaces or adds one Scrapy behaviour)."""

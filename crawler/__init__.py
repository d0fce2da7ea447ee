"""newscrawl: the Scrapy project (settings, items, spiders, site profiles, CLI)."""

__version__ = "0.1.0"

"""newscrawl: the Scrapy project (items, site profiles, settings, spiders, discovery, middlewares,
extensions, CLI)."""

__version__ = "0.1.0"

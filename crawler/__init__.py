"""newscrawl: the Scrapy project (settings, spiders, discovery, middlewares, extensions, CLI)."""

__version__ = "0.1.0"

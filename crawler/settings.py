"""Scrapy settings: the only configuration of newscrawl.

Our own keys start with NEWSCRAWL_. Override any of them with `-s NAME=VALUE`.
"""

from crawler.items import RECORD_FIELDS

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves; users running their own crawls should put a contact URL here.
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news archiving bot)"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Limits: a news page is far below these.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Only http(s); no telnet console.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 opens an HTTP control port by default

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.validate.ValidatePipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
}

# Output: JSON lines in UTF-8 (not \u escapes), fields in schema order.
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(RECORD_FIELDS)

LOG_LEVEL = "INFO"

# Pages larger than this (bytes, decoded HTML) are refused by `newscrawl extract` too.
NEWSCRAWL_MAX_PAGE_BYTES = DOWNLOAD_MAXSIZE

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.SafeRobotsTxtMiddleware": 100,
}

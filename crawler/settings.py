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
DOWNLOAD_DELAY_JITTER = 0.5  # +-50% around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Limits: a news page is far below these. DOWNLOAD_MAXSIZE caps decompressed bodies too
# (gzip, deflate, br, zstd): a bomb stops at 10 MiB, whatever it would inflate to.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Pending requests are kept packed (~190 bytes each instead of ~1.2 KB of objects): a site's
# sitemaps can queue tens of thousands of articles at once (crawler/packedqueue.py).
SCHEDULER_MEMORY_QUEUE = "crawler.packedqueue.PackedLifoMemoryQueue"
SCHEDULER_START_MEMORY_QUEUE = "crawler.packedqueue.PackedFifoMemoryQueue"

# Only http(s); no telnet console.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 opens an HTTP control port by default

# Records arrive extracted, normalized and checked against the schema (pipelines/process.py, run by
# the extraction workers); these decide which are written, and write them.
ITEM_PIPELINES = {
    "pipelines.limits.SincePipeline": 350,
    "pipelines.dedup.DedupPipeline": 400,
    "pipelines.limits.ArticleLimitPipeline": 410,
    "pipelines.dedup.UnchangedPipeline": 420,
    "pipelines.neardup.NearDuplicatePipeline": 430,
    "pipelines.output.PartWriterPipeline": 900,
}

# Output: JSON lines in UTF-8 (not \u escapes), fields in schema order.
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(RECORD_FIELDS)

LOG_LEVEL = "INFO"

# Pages larger than this (bytes, decoded HTML) are refused by `newscrawl extract` too.
NEWSCRAWL_MAX_PAGE_BYTES = DOWNLOAD_MAXSIZE

DOWNLOADER_MIDDLEWARES = {
    # process_request runs from low to high numbers; process_response and process_exception back.
    "crawler.middlewares.secrets.UserinfoMiddleware": 60,  # first: nothing sees user:pass@ in a URL
    "crawler.middlewares.private.PrivateAddressMiddleware": 70,  # NEWSCRAWL_REFUSE_PRIVATE
    "crawler.middlewares.traps.LinkTrapMiddleware": 105,  # before the budget counts the request
    "crawler.middlewares.secrets.CrossSiteSecretsMiddleware": 450,  # after DefaultHeadersMiddleware (400)
    # Below RetryMiddleware (550): sees final download failures only; after decompression (590).
    "crawler.middlewares.discovery.DiscoveryGuardMiddleware": 540,
    "crawler.middlewares.content.ContentGuardMiddleware": 545,  # empty and binary pages, by name
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.compression.BoundedCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.redirects.SafeRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.SafeRobotsTxtMiddleware": 100,
    "crawler.middlewares.budget.SiteBudgetMiddleware": 110,
    "crawler.middlewares.seen.SeenRedirectMiddleware": 120,
    # process_response runs from high to low numbers: before RetryMiddleware (550).
    "crawler.middlewares.pacing.HostPacingMiddleware": 560,
    # process_exception runs from high to low numbers: before RetryMiddleware (550).
    "crawler.middlewares.unreachable.SiteProbeMiddleware": 555,
    "crawler.extensions.warc.WarcArchiveMiddleware": 950,  # next to the downloader: responses as fetched
}
ADDONS = {
    "crawler.middlewares.secrets.RedactLogsAddon": 0,
    "crawler.addon.SitesFileAddon": 100,  # NEWSCRAWL_SITES_FILE
    "crawler.distributed.addon.RedisAddon": 110,  # REDIS_URL, with a sites file
    "crawler.settingranges.CheckedSettingsAddon": 200,  # last: the numbers every other one set
}
EXTENSIONS = {
    "crawler.extensions.stateguard.StateGuard": 0,  # first: before any component opens the state
    "crawler.extensions.summary.RunSummary": 500,
    "crawler.extensions.progress.Progress": 510,
    "crawler.extensions.heap.FixedMmapThreshold": 520,  # NEWSCRAWL_MALLOC_MMAP_THRESHOLD
    # Off (REMOTE_CONTROL_ENABLED), and not even loaded: its module imports aiohttp (~7 MiB).
    # To use it, set REMOTE_CONTROL_ENABLED=True and give it back its place (order 0).
    "scrapy.extensions.remote_control.RemoteControl": None,
}

# Site crawls (`newscrawl crawl`, `scrapy crawl news -a site=URL`).
NEWSCRAWL_SINCE = None  # skip articles older than this: 2d, 12h, 1w or 2024-01-01
NEWSCRAWL_DEPTH = 3  # link depth from a homepage (pagination does not count)
NEWSCRAWL_MAX_PAGINATION = 50  # pages of pagination followed per site
NEWSCRAWL_MAX_PAGES = 0  # requests per site; 0 = no budget
NEWSCRAWL_MAX_ARTICLES = 0  # records per site; 0 = no quota
NEWSCRAWL_RETRY_AFTER_MAX = 120.0  # seconds; a longer Retry-After is not waited for
NEWSCRAWL_RETRY_AFTER_TIMES = 2
NEWSCRAWL_MAX_CRAWL_DELAY = 60.0  # seconds; robots.txt Crawl-delay is capped here
NEWSCRAWL_STATS_FILE = None  # the run summary as JSON
NEWSCRAWL_SUMMARY = False  # print the run summary on stderr at the end
NEWSCRAWL_PROGRESS_INTERVAL = 0.0  # seconds between progress lines on stderr; 0 = off
# glibc malloc: blocks over this many bytes are mmapped and given back when freed, in the crawl
# process and its workers (crawler/extensions/heap.py); 0 = glibc's adaptive threshold.
NEWSCRAWL_MALLOC_MMAP_THRESHOLD = 128 * 1024

# Safe defaults against a hostile web (crawler/middlewares/). Refuse hosts that are or resolve to
# private, loopback, link-local, multicast or reserved addresses: off for `crawl`/`url` (they fetch
# what the user names); `newscrawl run` turns it on unless the sites file says allow_private = true.
NEWSCRAWL_REFUSE_PRIVATE = False
NEWSCRAWL_TRAP_REPEATS = 3  # a link whose path repeats one (non-numeric) segment this often is a trap; 0 = off
NEWSCRAWL_TRAP_URL_LENGTH = 2000  # links longer than this are traps; 0 = off

# Scheduled runs (`newscrawl run`, or NEWSCRAWL_SITES_FILE under scrapy/scrapyd): crash-safe parts,
# state between runs. The sites file sets the ones below through crawler.addon.SitesFileAddon.
NEWSCRAWL_SITES_FILE = None
NEWSCRAWL_SITES: list[dict[str, object]] = []  # the [[site]] tables, as crawler.addon.site_entry gives them
NEWSCRAWL_OUTPUT_DIR = None  # OUT/date=YYYY-MM-DD/run=ID/part-NNNNN.jsonl.gz + _manifest.jsonl
NEWSCRAWL_STATE_DIR = None  # state.sqlite: articles written, parts applied, watermarks
NEWSCRAWL_STATE_STORE = "pipelines.state.SqliteStateStore"  # a pipelines.state.StateStore class
NEWSCRAWL_RUN_ID = None  # default: UTC start time and pid
NEWSCRAWL_PART_RECORDS = 500  # records per part
NEWSCRAWL_PART_SECONDS = 30.0  # a part is closed at least this often
# site -> {"max_pages": N, "max_articles": N}, from the sites file
NEWSCRAWL_SITE_LIMITS: dict[str, dict[str, int]] = {}
# HTTP cache for feeds, sitemaps, robots.txt and listings, always revalidated (run mode turns it on).
HTTPCACHE_POLICY = "crawler.cache.RevalidatePolicy"
HTTPCACHE_STORAGE = "crawler.cache.CredentialFreeCacheStorage"  # no credentials written to disk

# Extraction workers (pipelines/workers.py): processes that parse and extract fetched pages.
NEWSCRAWL_WORKERS = None  # default: one per core this process may use (affinity); 0 extracts in the event loop
NEWSCRAWL_PAGE_FUNCTION = "crawler.pageanalysis.analyze_page"  # what the workers run on each page

# Near-duplicates (pipelines/neardup.py): exact copies by content_hash, near copies by MinHash-LSH
# over word shingles of `text`; records get duplicate_of / duplicate_similarity.
NEWSCRAWL_NEARDUP_MODE = "mark"  # mark (keep and mark), drop (DropItem near_duplicate) or off
NEWSCRAWL_NEARDUP_THRESHOLD = 0.4  # estimated Jaccard similarity; chosen on bench/neardup (see its README.md)
NEWSCRAWL_NEARDUP_SHINGLE = 5  # words per shingle
NEWSCRAWL_NEARDUP_NUM_PERM = 128  # MinHash permutations
NEWSCRAWL_NEARDUP_MAX_CANDIDATES = 500  # LSH candidates verified per record, earliest first
NEWSCRAWL_NEARDUP_STORE = None  # class path of another index store (Redis); default SQLite in the state dir

# Distributed mode (crawler/distributed/): REDIS_URL switches it on with a sites file.
REDIS_URL = None  # e.g. redis://127.0.0.1:6379/0
NEWSCRAWL_SEED = True  # put the sites' start requests in the queue (workers only consume)
NEWSCRAWL_REDIS_CRAWL = None  # key namespace; default: the sites file's name
NEWSCRAWL_WORKER_ID = None  # default: host-pid
NEWSCRAWL_REDIS_TTL = 7 * 24 * 3600  # seconds a run's keys live after their last write
NEWSCRAWL_REDIS_HEARTBEAT = 5.0  # seconds; a worker silent for 3 beats is dead and its leases go back
NEWSCRAWL_REDIS_IDLE_CLOSE = 10.0  # seconds with nothing queued or leased anywhere before a worker stops
NEWSCRAWL_REDIS_OUTAGE_MAX = 120.0  # seconds Redis may be away (a restart) before the run stops as failed
NEWSCRAWL_REDIS_POP_BATCH = 8  # requests a worker leases per round trip (held in the worker until started)

# Raw archives (crawler/extensions/warc.py): every fetched response as gzipped WARC files in this
# directory (`newscrawl crawl --warc DIR`, `warc = "DIR"` in a sites file's [run] table).
NEWSCRAWL_WARC_DIR = None
NEWSCRAWL_WARC_MAX_BYTES = 1024 * 1024 * 1024  # a new file after this many bytes

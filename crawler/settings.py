"""Scrapy settings for newsmon. Polite by default; `newsmon crawl` overrides a few per run."""

BOT_NAME = "newsmon"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "newsmon/0.1 (+https://github.com/newsmon/newsmon; human-rights news monitoring)"

# Politeness
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# Scrapy's default list without 429: a site that asks us to slow down is not hit again at once
# (its Retry-After is minutes or hours); the failure is recorded and the next run retries.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
# Bounded responses: a 20 MB page or an endless stream must not eat memory.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Let non-2xx reach the spider's errback with the status instead of vanishing.
HTTPERROR_ALLOW_ALL = False

# Items processed in parallel per response: the stages are CPU-bound, but 8 lets the store
# stage's writes overlap the next item's parsing (bench/crawl_throughput.py: +15 % pages/s).
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.language.LanguagePipeline": 200,
    "pipelines.classify.ClassifyPipeline": 300,
    "pipelines.store.StorePipeline": 900,
    # Stories: republications and the same event in other languages share items.story_id.
    "pipelines.stories.StoryPipeline": 920,
    # Evidence: raw bytes, headers and hashes of flagged items, kept at first sight.
    "evidence.pipeline.SnapshotPipeline": 950,
    # Scale-out mode (NEWSMON_REDIS_URL, no NEWSMON_DB): push to `newsmon ingest` instead.
    "pipelines.push.PushPipeline": 960,
}

# Guards: a bounded number of articles per feed, no requests to private addresses.
SPIDER_MIDDLEWARES = {
    "crawler.spidermiddlewares.articlecap.ArticleCapMiddleware": 800,
    # Replaced by UrlLengthGuard below, which records what it refuses.
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.downloadermiddlewares.urllength.UrlLengthGuard": 30,
    "crawler.downloadermiddlewares.private.PrivateAddressMiddleware": 40,
    # Responses pass middlewares from high numbers to low: the redirect-loop check runs
    # before RedirectMiddleware (600); the charset is fixed after decompression (590).
    "crawler.downloadermiddlewares.redirects.RedirectLoopMiddleware": 650,
    "crawler.downloadermiddlewares.charset.CharsetMiddleware": 580,
}

# Each switches itself off (NotConfigured) when what it needs is not configured.
EXTENSIONS = {
    "crawler.extensions.recorder.CrawlRecorder": 100,
    "crawler.extensions.shared_idle.SharedQueueIdle": 150,
    "crawler.scaleout.report.FunnelReporter": 160,
}

# newsmon's own settings (prefix NEWSMON_)
NEWSMON_DB = "newsmon.db"  # overridden by `newsmon crawl --db`
NEWSMON_RUN_ID = None  # crawl_runs.id of the current run; set by `newsmon crawl`
NEWSMON_MAX_ARTICLES_PER_FEED = 1000  # new article links followed per feed/listing per run
# Host names allowed to resolve to private addresses (a LAN mirror); any other is refused.
NEWSMON_PRIVATE_HOSTS: list[str] = []

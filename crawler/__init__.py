"""newsmon: the Scrapy project, its settings, items and the `newsmon` command line."""

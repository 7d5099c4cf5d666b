"""Logging for a command line run by cron: quiet on the console, complete in the log file.

Cron mails whatever reaches stderr. At the default verbosity the console shows only errors,
one line each and never a traceback (the job prints its own summary of what failed); with
`NEWSMON_LOG_FILE` every record at INFO and up, tracebacks included, goes to a rotating file.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys

LOG_MAX_BYTES = 5_000_000
#: A log line (traceback included) is cut here: a crawled page, URL or title can be megabytes.
MAX_RECORD_CHARS = 8_000
LOG_BACKUPS = 5
CONSOLE_LEVELS = {0: logging.ERROR, 1: logging.INFO}
#: Loggers that narrate a crawl at INFO; on the console only from -vv.
CHATTY = ("scrapy", "twisted", "py.warnings", "filelock", "trafilatura", "htmldate",
          "courlan")
#: Loggers whose errors are failures newsmon records in `crawl_errors` and the crawl prints
#: once per source; on the console each dead host would repeat them for every request.
RECORDED = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
            "scrapy.core.scraper")


class OneLine(logging.Formatter):
    """`LEVEL name: message` on one line: no traceback, no embedded newlines."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        text = f"{record.levelname} {record.name}: {message}"
        return " ".join(text.split())[:1000]


def console_worthy(record: logging.LogRecord) -> bool:
    """Below -vv: no crawl narration, and no failure the crawl records and summarises."""
    if record.name.startswith(RECORDED):
        return False
    return record.levelno >= logging.ERROR or not record.name.startswith(CHATTY)
class Bounded(logging.Formatter):
    """The standard format, cut at MAX_RECORD_CHARS with a note of how much was left out."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if len(text) <= MAX_RECORD_CHARS:
            return text
        return f"{text[:MAX_RECORD_CHARS]} [... {len(text) - MAX_RECORD_CHARS} more characters]"


class LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; when it cannot be written (a full disk), one line says so on
    stderr and the file is left alone, instead of a traceback for every record."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if not self.failed:
            self.failed = True
            error = sys.exc_info()[1]
            sys.stderr.write(f"newsmon: cannot write the log file {self.baseFilename}: "
                             f"{getattr(error, 'strerror', None) or error}; not logging there "
                             "for the rest of this run\n")

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)


def configure_logging(verbose: int, log_file: str | None = None) -> None:
    """Console by verbosity (0: errors, 1: info, 2: debug with tracebacks), file at INFO."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(CONSOLE_LEVELS.get(verbose, logging.DEBUG))
    console.setFormatter(Bounded("%(asctime)s %(levelname)s %(name)s: %(message)s")
                         if verbose > 1 else OneLine())
    if verbose < 2:
        console.addFilter(console_worthy)
    root.addHandler(console)
    level = logging.DEBUG if verbose > 1 else logging.INFO if (verbose or log_file) \
        else logging.WARNING
    if log_file:
        try:
            file_handler = LogFile(log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                   encoding="utf-8")
        except OSError as exc:
            from newsmon.errors import ConfigError

            raise ConfigError(f"NEWSMON_LOG_FILE {log_file}: cannot open it: "
                              f"{exc.strerror or exc}") from None
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(Bounded(
            "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file_handler)
    root.setLevel(level)
    logging.captureWarnings(True)

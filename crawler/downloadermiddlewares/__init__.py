"""Downloader middlewares: where a request may go, and how a response is read."""

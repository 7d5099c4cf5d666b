"""Fault and bad-input suite (issue #7): hostile servers, crashes, migrations, security."""

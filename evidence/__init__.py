"""Evidence preservation (issue #8): snapshots, re-checks, integrity checks and WARC export."""

from evidence.history import history
from evidence.snapshot import Capture, SnapshotResult, snapshot_item, take_snapshot
from evidence.verify import verify

__all__ = ["Capture", "SnapshotResult", "history", "snapshot_item", "take_snapshot", "verify"]

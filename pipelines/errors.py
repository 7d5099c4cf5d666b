"""The drop protocol: a stage that rejects an item says at which stage and why."""

from scrapy.exceptions import DropItem


class ItemRejected(DropItem):
    """An item a stage could not process; the recorder writes its stage and reason down."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason

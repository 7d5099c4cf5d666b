"""What monitors' decisions say about one topic of one item: the one place that reads them.

Triage is per item (`relevant`, `not_relevant`, ...). A topic report is per topic: `missed`
(the item is about the topic and no rule flagged it) or `wrong` (flagged for the topic, not
about it). A topic report, being the more precise word, wins over the item's triage.
"""

from __future__ import annotations

RELEVANT, NOT_RELEVANT = "relevant", "not_relevant"
MISSED, WRONG = "missed", "wrong"
VERDICTS = (MISSED, WRONG)
#: The model says "this topic" at this probability (also in store's model_disagreements view).
MODEL_YES = 0.5


def flag_verdict(status: str | None, verdict: str | None) -> str | None:
    """Was a flag for the topic right? `relevant`, `not_relevant`, or None (not decided)."""
    if verdict == WRONG:
        return NOT_RELEVANT
    if verdict == MISSED:
        return RELEVANT  # reported missed, flagged since (rules changed): the flag is right
    if status in (RELEVANT, NOT_RELEVANT):
        return status
    return None


def topic_label(status: str | None, verdict: str | None, flagged: bool) -> bool | None:
    """Is the item about the topic, as far as monitors said? None when they did not say.

    `relevant` on a flagged topic says yes (an item relevant for one topic says nothing of
    the topics it was not flagged for); `not_relevant` says no to every topic.
    """
    if verdict == MISSED:
        return True
    if verdict == WRONG:
        return False
    if status == NOT_RELEVANT:
        return False
    if status == RELEVANT and flagged:
        return True
    return None

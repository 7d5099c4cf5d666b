"""Alert digests: subscriptions as data, one email per due coordinator, sends recorded.

`newsmon digest` and `newsmon run` drive it; docs/alerts.md is the operator's guide.
"""

from alerts.digest import DigestOptions, DigestReport, options_from_env, send_digests
from alerts.subscriptions import (
    Subscription,
    SubscriptionError,
    ensure_demo_subscription,
    load_subscriptions,
    resolve_subscriptions,
)

__all__ = [
    "DigestOptions", "DigestReport", "Subscription", "SubscriptionError",
    "ensure_demo_subscription", "load_subscriptions", "options_from_env", "resolve_subscriptions",
    "send_digests",
]

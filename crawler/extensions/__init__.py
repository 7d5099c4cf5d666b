"""Extensions: what a crawl records beside its items (errors, per-source health)."""

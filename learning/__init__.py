"""Learning from triage: what monitors' decisions say about the rules, and what to change.

Pure parts only (feature floor 4; reads `classifiers/`, `store/`, `core/`): per-rule precision
with Wilson intervals, topic reports (missed / wrong topic), candidate terms mined from missed
items, suggested edits to the rule and concept files evaluated on the triaged items, the
second-opinion model, and pooling triage decisions between installations. Nothing here
changes a flag: the jobs in `newsmon/jobs/` apply an accepted edit and reclassify.
"""

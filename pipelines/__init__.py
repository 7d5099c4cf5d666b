"""Item pipelines, one small stage each: extract -> language -> classify -> store."""

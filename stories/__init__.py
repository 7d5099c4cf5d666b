"""Stories: reports of the same event grouped, within a language and across languages.

Ground floor, pure logic plus the incremental index on the store's tables:

- `text`: normalised word shingles and folded surname stems (ru/kk spellings meet);
- `signature`: MinHash signatures (datasketch) and their LSH band keys;
- `link`: what two reports share (persons, names, places, Criminal Code articles, days apart),
  the score, the threshold and the explanation a monitor reads;
- `engine`: assign a stored item to a story as it arrives, catch up, rebuild;
- `decisions`: a monitor's split and merge, logged and kept through every re-clustering.
"""

from stories.decisions import DecisionError, merge, split
from stories.engine import assign, catch_up, rebuild

__all__ = ["DecisionError", "assign", "catch_up", "merge", "rebuild", "split"]

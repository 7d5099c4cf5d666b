"""Plain-text forms of the learning commands' results (the JSON forms are the jobs' dicts)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from learning.pool import Outcome

if TYPE_CHECKING:  # scikit-learn is imported only by the commands that use it
    from newsmon.jobs.learn import LearnReport

RULE_COLUMNS = "{:<40} {:<9} {:>5} {:>4} {:>4} {:>5}  {:<13} {:<10}"


def _p(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def _interval(entry: dict) -> str:
    if not entry["relevant"] + entry["not_relevant"]:
        return ""
    return f"[{entry['ci_low']:.2f}, {entry['ci_high']:.2f}]"


def report(result: dict) -> str:
    """Rules worst first, topics, misses with their sentences, candidate terms, the model."""
    lines = ["Rules, worst first (precision of triaged firings, 95 % interval):",
             RULE_COLUMNS.format("rule", "topic", "fired", "rel", "not", "prec", "interval",
                                 "last fired")]
    for r in result["rules"]:
        name = r["rule"] + ("" if r["in_files"] else " (gone)")
        lines.append(RULE_COLUMNS.format(
            name, r["topic"], r["hits"], r["relevant"], r["not_relevant"], _p(r["precision"]),
            _interval(r), (r["last_fired"] or "")[:10]).rstrip())
    lines += ["", "Topics:"]
    for t in result["topics"]:
        lines.append(f"  {t['topic']:<10} {t['flagged']} flagged, {t['relevant']} relevant, "
                     f"{t['not_relevant']} not relevant, precision {_p(t['precision'])} "
                     f"{_interval(t)}; missed: {t['missed_open']} open, "
                     f"{t['missed_fixed']} flagged since")
    lines += _missed(result)
    lines += _candidates(result.get("candidates") or {})
    lines += model_lines(result.get("model"))
    lines += ["", "Items of a rule: /-/rules/<rule> in Datasette; JSON: --json."]
    return "\n".join(lines)


def _missed(result: dict) -> list[str]:
    if not result["missed"]:
        return ["", "Missed: none reported."]
    lines = ["", "Missed (false negatives monitors reported):"]
    for m in result["missed"]:
        state = "flagged now" if m["flagged_now"] else f"score {m['score']:.2f}"
        lines.append(f"  #{m['item_id']} {m['topic']}: {m['title']} — by {m['reported_by']} "
                     f"{m['reported_at'][:10]} ({state})")
        for near in m.get("near", [])[:3]:
            lines.append(f"      «{near['sentence'][:160]}»")
            if near["words"]:
                lines.append(f"        unknown words: {', '.join(near['words'][:12])}")
    return lines


def _candidates(candidates: dict) -> list[str]:
    if not candidates:
        return []
    lines = ["", "Candidate terms (words near the topic in missed items that no concept knows):"]
    for topic, found in candidates.items():
        terms = ", ".join(f"{c['term']} ({c['lang']}, {len(c['items'])} item"
                          f"{'' if len(c['items']) == 1 else 's'})" for c in found)
        lines.append(f"  {topic}: {terms}")
    return lines


def model_lines(model: dict | None) -> list[str]:
    if not model:
        return ["", "Model: not trained yet (newsmon learn)."]
    lines = ["", f"Model (newsmon learn, {model['trained_at']}, {model['items']} items), "
                 "cross-validated, beside the rules on the same items:"]
    return lines + figure_lines(model["figures"])


def figure_lines(figures: dict) -> list[str]:
    out = ["  {:<10} {:<7} {:>5} {:>4}   model P/R/F1       rules P/R/F1".format(
        "topic", "set", "items", "n+")]
    for topic, entry in figures.items():
        for group in ("all", "triage", "dev"):
            g = entry[group]
            if not g["items"]:
                continue
            m, r = g["model"], g["rules"]
            out.append(f"  {topic:<10} {group:<7} {g['items']:>5} {g['positives']:>4}   "
                       f"{_p(m['precision'])}/{_p(m['recall'])}/{_p(m['f1'])}   "
                       f"{_p(r['precision'])}/{_p(r['recall'])}/{_p(r['f1'])}")
    return out


def effect(entry: dict) -> str:
    """What one suggestion changes, item by item."""
    tri, dev = entry["triage"], entry["dev"]
    lines = [f"  fixes {entry['fixes']}, breaks {entry['breaks']} (triage +{tri['fixes']} "
             f"-{tri['breaks']}, dev +{dev['fixes']} -{dev['breaks']}); "
             f"{entry['undecided']} undecided item(s) change"]
    for c in entry["changes"][:12]:
        where = f"#{c['item_id']}" if c["origin"] == "triage" else "dev"
        lines.append(f"    {c['verdict']:<9} {c['change']} {c['topic']}: {where} "
                     f"{c['title'][:90]}")
    if len(entry["changes"]) > 12:
        lines.append(f"    … and {len(entry['changes']) - 12} more")
    lines += [f"    breaks example: {e[:120]}" for e in entry["examples_broken"]]
    return "\n".join(lines)


def suggestions(shown: list[dict], total: int) -> str:
    if not shown:
        return "No suggestion fixes more than it breaks."
    lines = [f"{total} suggestion(s), best first. Accept one with `newsmon rules accept ID` "
             "(the diff is shown first); `newsmon rules dismiss ID` to drop it."]
    for s in shown:
        lines += ["", f"{s['id']}  {s['summary']}", effect(s)]
    return "\n".join(lines)


def learned(done: LearnReport) -> str:
    lines = [f"trained on {done.triage} triaged item(s) and {done.dev} labelled development "
             f"item(s); {done.folds}-fold cross-validation; model {done.path}; "
             f"scored {done.scored} stored item(s) in {done.seconds:.1f} s",
             "The model never sets or clears a flag: its scores are a second opinion.", ""]
    return "\n".join(lines + figure_lines(done.figures))


def imported(outcomes: list[Outcome], dry_run: bool, verbose: int) -> str:
    counts = Counter(o.action for o in outcomes)
    lines = [("would be " if dry_run else "") + ", ".join(
        f"{action} {counts[action]}" for action in
        ("added", "replaced", "kept", "same", "skipped", "unknown") if counts[action])
        or "nothing to import"]
    for o in outcomes:
        if o.action in ("replaced", "kept", "skipped") or verbose:
            target = f"#{o.item_id}" if o.item_id else o.url
            lines.append(f"  {o.action:<8} {target} {o.what}: {o.detail}")
    return "\n".join(lines)

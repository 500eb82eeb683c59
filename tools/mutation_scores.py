"""Per-module mutation scores of the last ``mutmut run`` (``make mutation`` prints them).

Reads ``mutmut results --all true`` (one line per mutant: ``module.function__mutmut_N: status``) and prints, for each
mutated module, the mutants killed out of those that count: killed, survived, with no test, timed out or suspicious
(a mutant not yet checked does not count, and is reported). Mutants listed as equivalent in
``tests/mutation_equivalent.txt`` (one ``name: reason`` a line) count as killed, with their number shown. The goals
(issue 18): 90% of the methods' mutants killed, 85% overall. Exit code 1 below a goal.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("progress", "projection", "trajectory", "scenarios", "evaluation")
GOALS = {"methods": 0.90, "overall": 0.85}
EQUIVALENT = ROOT / "tests" / "mutation_equivalent.txt"
COUNTED = ("killed", "survived", "no tests", "timeout", "suspicious", "segfault")


def equivalent() -> dict[str, str]:
    """The mutants listed as unable to change behaviour, each with its reason (the reason is required)."""
    out = {}
    if EQUIVALENT.is_file():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.partition(":")
                if not reason.strip():
                    sys.exit(f"{EQUIVALENT}: {name.strip()} has no reason")
                out[name.strip()] = reason.strip()
    return out


def main() -> int:
    text = subprocess.run([str(Path(sys.executable).parent / "mutmut"), "results", "--all", "true"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    listed = equivalent()
    by_module: dict[str, Counter] = defaultdict(Counter)
    for line in text.splitlines():
        m = re.match(r"\s*(fuxin_analysis\.(\w+)\.(\w+)\.\S+): (.+)$", line)
        if not m:
            continue
        mutant, module, status = m.group(1), m.group(3), m.group(4).strip()
        if status != "killed" and mutant in listed:
            status = "equivalent"
        by_module[module][status] += 1
    rows, groups = [], defaultdict(Counter)
    for module in sorted(by_module):
        c = by_module[module]
        counted = sum(c[s] for s in COUNTED) + c["equivalent"]
        killed = c["killed"] + c["equivalent"]
        rows.append((module, killed, counted, c))
        group = "methods" if module in METHODS else "validation"
        for key in ("killed", "counted"):
            groups[group][key] += killed if key == "killed" else counted
    print(f"{'module':14s} {'score':>7s} {'killed':>7s} {'of':>6s} {'survived':>9s} {'no test':>8s} {'equiv.':>7s} "
          f"{'unchecked':>10s}")
    for module, killed, counted, c in rows:
        score = killed / counted if counted else float("nan")
        print(f"{module:14s} {score:7.1%} {killed:7d} {counted:6d} {c['survived']:9d} {c['no tests']:8d} "
              f"{c['equivalent']:7d} {c['not checked']:10d}")
    ok = True
    total = Counter()
    for group in ("methods", "validation"):
        g = groups[group]
        total.update(g)
        score = g["killed"] / g["counted"] if g["counted"] else float("nan")
        goal = GOALS.get(group)
        ok &= goal is None or score >= goal
        print(f"{group}: {score:.1%} of {g['counted']} mutants killed" + (f" (goal {goal:.0%})" if goal else ""))
    overall = total["killed"] / total["counted"] if total["counted"] else float("nan")
    ok &= overall >= GOALS["overall"]
    print(f"overall: {overall:.1%} of {total['counted']} (goal {GOALS['overall']:.0%}); {len(listed)} listed as "
          f"equivalent in {EQUIVALENT.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Per-module mutation scores of the last ``mutmut run`` (``make mutation`` prints them).

Reads ``mutmut results --all true`` (one line per mutant: ``module.function__mutmut_N: status``) and prints, for each
mutated module, the mutants killed out of those that count: killed, survived, with no test, timed out or suspicious
(a mutant not yet checked does not count, and is reported). A mutant that makes the tests run past mutmut's time
limit (an endless loop) is detected, and counts as killed, as in PIT and Stryker; its number is shown. Mutants listed
as equivalent in
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


def tally(text: str, listed: dict[str, str]) -> dict[str, Counter]:
    """Statuses per module (``progress``, ``params``…) from ``mutmut results`` lines; a listed mutant that was not
    killed counts as ``equivalent``, one that was killed as ``killed`` (and :func:`stale` names it)."""
    by_module: dict[str, Counter] = defaultdict(Counter)
    for line in text.splitlines():
        m = re.match(r"\s*(fuxin_analysis\.(\w+)\.(\w+)\.\S+): (.+)$", line)
        if not m:
            continue
        mutant, module, status = m.group(1), m.group(3), m.group(4).strip()
        if mutant in listed and status in COUNTED and status not in ("killed", "timeout"):
            status = "equivalent"
        by_module[module][status] += 1
    return by_module


def stale(text: str, listed: dict[str, str]) -> list[str]:
    """Listed mutants that are not equivalent after all (a test kills them) or no longer exist (the code changed)."""
    status = {}
    for line in text.splitlines():
        name, _, st = line.strip().partition(": ")
        status[name] = st.strip()
    return [f"{name}: {'killed by a test' if status.get(name) in ('killed', 'timeout') else 'no such mutant'}"
            for name in listed if status.get(name) in (None, "killed", "timeout")]


def score(c: Counter) -> tuple[int, int]:
    """Mutants detected (killed, timed out, or listed as equivalent) and mutants that count."""
    return c["killed"] + c["timeout"] + c["equivalent"], sum(c[s] for s in COUNTED) + c["equivalent"]


def main() -> int:
    text = subprocess.run([str(Path(sys.executable).parent / "mutmut"), "results", "--all", "true"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    listed = equivalent()
    by_module = tally(text, listed)
    groups: dict[str, Counter] = defaultdict(Counter)
    print(f"{'module':14s} {'score':>7s} {'killed':>7s} {'of':>6s} {'survived':>9s} {'no test':>8s} {'timeout':>8s} "
          f"{'equiv.':>7s} {'unchecked':>10s}")
    for module in sorted(by_module):
        c = by_module[module]
        killed, counted = score(c)
        group = "methods" if module in METHODS else "validation"  # params and prepare: the runner's parameters
        groups[group].update({"killed": killed, "counted": counted})
        print(f"{module:14s} {killed / counted if counted else float('nan'):7.1%} {killed:7d} {counted:6d} "
              f"{c['survived']:9d} {c['no tests']:8d} {c['timeout']:8d} {c['equivalent']:7d} {c['not checked']:10d}")
    ok = True
    total: Counter = Counter()
    for group in ("methods", "validation"):
        g = groups[group]
        total.update(g)
        share = g["killed"] / g["counted"] if g["counted"] else float("nan")
        goal = GOALS.get(group)
        ok &= goal is None or share >= goal
        print(f"{group}: {share:.1%} of {g['counted']} mutants killed" + (f" (goal {goal:.0%})" if goal else ""))
    overall = total["killed"] / total["counted"] if total["counted"] else float("nan")
    ok &= overall >= GOALS["overall"]
    print(f"overall: {overall:.1%} of {total['counted']} (goal {GOALS['overall']:.0%}); {len(listed)} listed as "
          f"equivalent in {EQUIVALENT.relative_to(ROOT)}")
    for line in stale(text, listed):
        ok = False
        print(f"listed as equivalent, but {line}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

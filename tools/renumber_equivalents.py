"""Renumber ``tests/mutation_equivalent.txt`` after a source change moved mutmut's mutant numbers.

mutmut numbers the mutants of a function in order (``x_level_progress__mutmut_165``), so removing or adding code
renumbers every later mutant of that function, and the list's names go stale (``make mutation`` then fails, by
design). This generates the mutants of each listed module at ``REF`` (the commit the list was written for) and in
the working tree with mutmut's own generator, matches each listed mutant to the current one with the same change
(its diff, without line numbers), and rewrites the names; a listed mutant with no current match is reported (its
code changed: check it by hand). Usage: ``python tools/renumber_equivalents.py REF`` (prints the changes; ``--write``
rewrites the file).
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import libcst as cst
from mutmut.mutation.diff_apply import read_mutant_function, read_original_function
from mutmut.mutation.file_mutation import mutate_file_contents

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "tests" / "mutation_equivalent.txt"


def changes(path: str, source: str, functions: set[str]) -> dict[str, str]:
    """Each mutant of ``source`` in ``functions`` (short names, e.g. ``x_f__mutmut_3`` in ``x_f``) → its change:
    the lines it removes and adds."""
    mutated = mutate_file_contents(path, source)
    module = cst.parse_module(mutated.code)
    out = {}
    for name in mutated.mutant_names:
        if name.split("__mutmut_")[0] not in functions:
            continue
        orig, mutant = (cst.Module([f]).code.strip().splitlines()
                        for f in (read_original_function(module, name), read_mutant_function(module, name)))
        out[name] = "\n".join(line for line in difflib.unified_diff(orig, mutant, lineterm="", n=0)
                              if not line.startswith(("@@", "---", "+++")))
    return out


def main(ref: str, write: bool) -> int:
    lines = LIST.read_text(encoding="utf-8").splitlines(keepends=True)
    by_module = defaultdict(set)
    for line in lines:
        m = re.match(r"(fuxin_analysis(?:\.\w+)+)\.(x\S*__mutmut_\d+):", line)
        if m:
            by_module[m.group(1)].add(m.group(2))
    rename, lost = {}, []
    for module, names in sorted(by_module.items()):
        path = module.replace(".", "/") + ".py"
        old_src = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout
        new_src = (ROOT / path).read_text(encoding="utf-8")
        if old_src == new_src:
            continue
        functions = {name.split("__mutmut_")[0] for name in names}
        old, new = changes(path, old_src, functions), changes(path, new_src, functions)
        by_change = defaultdict(list)
        for name, change in new.items():
            by_change[(name.split("__mutmut_")[0], change)].append(name)
        for name in sorted(names):
            found = by_change.get((name.split("__mutmut_")[0], old.get(name)), [])
            if len(found) == 1:
                if found[0] != name:
                    rename[f"{module}.{name}"] = f"{module}.{found[0]}"
            else:
                lost.append(f"{module}.{name}" + (" (ambiguous)" if found else ""))
    for a, b in rename.items():
        print(f"{a} -> {b.rsplit('.', 1)[1]}")
    for name in lost:
        print(f"no current mutant makes the change of {name}", file=sys.stderr)
    if write and rename:
        pattern = re.compile("|".join(re.escape(a) + r"(?=[:\s,)])" for a in sorted(rename, key=len, reverse=True)))
        text = "".join(lines)
        LIST.write_text(pattern.sub(lambda m: rename[m.group(0)], text), encoding="utf-8")
    return 1 if lost else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--write"]
    if len(args) != 1:
        sys.exit("usage: python tools/renumber_equivalents.py REF [--write]")
    sys.exit(main(args[0], "--write" in sys.argv))

"""Command line: ``python -m fuxin_analysis run PARAMS.yaml`` and ``python -m fuxin_analysis check PLAN_DIR``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .errors import InputError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fuxin-analysis", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run every notebook and write the rendered report")
    run.add_argument("params", help="parameter file (YAML), e.g. params/default.yaml")
    run.add_argument("--output", help="report folder (default: reports/<params file stem>/)")
    run.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: one per core)")
    run.add_argument("--notebooks", help="folder of numbered notebooks to run (default: the project's notebooks/)")
    run.add_argument("--fresh-kernels", action="store_true",
                     help="start every kernel as a new Python process instead of forking it from one that has "
                          "already imported the libraries (slower; for comparison or trouble-shooting)")
    check = sub.add_parser("check", help="validate a plan folder and print what it holds")
    check.add_argument("plan_dir", help="plan folder, e.g. data/plans/fuxin_14th")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # nbformat imports jsonschema, whose optional IRI checker (rfc3987_syntax) compiles a grammar at import: about
    # 1.7 s of every run, for a format notebooks never use. The command line does without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    try:
        if args.command == "run":
            from pathlib import Path

            from .kernels import start_early
            from .params import load_params

            load_params(args.params)  # a malformed parameter file is refused before anything starts
            start_early(not args.fresh_kernels)  # its imports (about 1 s) overlap the runner's imports and checks
            from .runner import NOTEBOOK_DIR, run

            folder = Path(args.notebooks) if args.notebooks else NOTEBOOK_DIR
            result = run(args.params, args.output, jobs=args.jobs, notebook_dir=folder, preload=not args.fresh_kernels)
            print(f"report written to {result.output}/index.html "
                  f"({len(result.pages)} notebooks, {result.jobs} at a time, {result.seconds:.1f} s)")
        elif args.command == "check":
            from .plan import load_plan

            plan = load_plan(args.plan_dir)
            roles = plan.statements["role"].value_counts()
            print(f"{plan.meta.id}: {len(plan.indicators)} indicators, {len(plan.statements)} statements "
                  f"({roles.get('baseline', 0)} baseline, {roles.get('target', 0)} target); all quotes verified")
        return 0
    except InputError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.debug:
            raise
        from .runner import RunError

        if isinstance(exc, RunError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise
    except KeyboardInterrupt:
        print("interrupted; the previous report is unchanged", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(130)  # do not wait for notebooks still running; their kernels exit with their parent


if __name__ == "__main__":
    sys.exit(main())

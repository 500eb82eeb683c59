"""Command line: ``python -m fuxin_analysis run PARAMS.yaml``, ``batch BATCH.yaml``, ``check PLAN_DIR``,
``template PLAN_DIR`` and ``evaluate``.

Exit codes: 0 done; 2 bad input (a parameter, a data file, the destination, a command-line argument), refused
before any notebook runs; 1 a run that failed (a notebook, the publication), or a batch with a failed set; 130 after Ctrl-C, 143 after SIGTERM,
129 after SIGHUP. Every error is one line on stderr (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from ..errors import InputError


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is: the run is stopped and kept, the previous report left as it was."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _on_signal(signum: int, frame: object) -> None:
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second signal must not break the clean-up
        signal.signal(s, signal.SIG_IGN)
    raise KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as the tool's one line (argparse prints the usage and the error: two lines)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (value: {text!r})")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fuxin-analysis", description=__doc__.split("\n")[0],
                     epilog="exit codes: 0 done, 1 a run failed, 2 bad input, 130/143 interrupted")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run every notebook and write the rendered report")
    run.add_argument("params", help="parameter file (YAML), e.g. params/default.yaml")
    run.add_argument("--output", help="report folder (default: reports/<params file stem>/); it must be absent, "
                                      "empty, or a report this tool wrote there before, unchanged")
    run.add_argument("--jobs", type=_jobs, default=None, help="notebooks run at once (default: one per core)")
    run.add_argument("--notebooks", help="folder of numbered notebooks to run (default: the project's notebooks/)")
    run.add_argument("--fresh-kernels", action="store_true",
                     help="start every kernel as a new Python process instead of forking it from one that has "
                          "already imported the libraries (slower; for comparison or trouble-shooting)")
    batch = sub.add_parser("batch", help="run many parameter sets (a batch file) and write one report per set, "
                                         "with a batch index and scorecard")
    batch.add_argument("batch", help="batch file (YAML), e.g. params/batches/vintages.yaml")
    batch.add_argument("--output", help="batch folder (default: reports/<batch file stem>/); the same rules as run's "
                                        "--output")
    batch.add_argument("--jobs", type=_jobs, default=None, help="notebooks run at once on this machine, across sets "
                                                                "(default: one more than cores)")
    batch.add_argument("--scheduler", default=os.environ.get("DASK_SCHEDULER_ADDRESS") or None,
                       help="run the notebooks on the Dask cluster at this address, e.g. tcp://10.0.0.5:8786 "
                            "(default: $DASK_SCHEDULER_ADDRESS, else this machine); needs the [cluster] extra")
    batch.add_argument("--notebooks", help="folder of numbered notebooks to run (default: the project's notebooks/)")
    batch.add_argument("--fresh-kernels", action="store_true", help="as for run")
    check = sub.add_parser("check", help="validate a plan folder and print what it holds")
    check.add_argument("plan_dir", help="plan folder, e.g. data/plans/fuxin_14th")
    template = sub.add_parser("template", help="write an Excel workbook for entering a plan's observations")
    template.add_argument("plan_dir", help="plan folder, e.g. data/plans/fuxin_14th")
    template.add_argument("--output", required=True, help="the workbook to write (.xlsx); an existing file is never "
                                                          "replaced")
    template.add_argument("--from", dest="known", action="append", default=[], metavar="FILE",
                          help="observation file (.csv or .xlsx) whose values fill the workbook; may be repeated")
    evaluate = sub.add_parser("evaluate", help="score the projection methods on real series (rolling origin) and "
                                               "print the table")
    evaluate.add_argument("--series", help="folder of evaluation series (default: data/reference/evaluation/)")
    evaluate.add_argument("--by-horizon", action="store_true", help="one row per method and horizon")
    evaluate.add_argument("--gross-margins", action="store_true",
                          help="score the ceiling margins of gross ratios (highest value + margin) and show the chosen")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # the libraries' log messages (a kernel that died as the run was stopped…) are not for this terminal: the
    # command line says what happened in one line; --debug shows them
    logging.getLogger().addHandler(logging.StreamHandler() if args.debug else logging.NullHandler())
    # nbformat imports jsonschema, whose optional IRI checker (rfc3987_syntax) compiles a grammar at import: about
    # 1.7 s of every run, for a format notebooks never use. The command line does without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.getsignal(s) for s in handled}
    if threading.current_thread() is threading.main_thread():
        for s in handled:
            if previous[s] is not signal.SIG_IGN:  # nohup's SIGHUP stays ignored
                signal.signal(s, _on_signal)
    session = None
    try:
        if args.command == "run":
            from pathlib import Path

            from .kernels import KernelSession
            from .params import load_params

            load_params(args.params)  # a malformed parameter file is refused before anything starts
            session = KernelSession(not args.fresh_kernels)  # its imports (about 1 s) overlap the runner's checks
            from .prepare import NOTEBOOK_DIR
            from .runner import run

            folder = Path(args.notebooks) if args.notebooks else NOTEBOOK_DIR
            result = run(args.params, args.output, jobs=args.jobs, notebook_dir=folder, session=session)
            print(f"report written to {result.output}/index.html "
                  f"({len(result.pages)} notebooks, {result.jobs} at a time, {result.seconds:.1f} s)")
        elif args.command == "batch":
            from pathlib import Path

            from .batch import load_batch

            load_batch(args.batch)  # a malformed batch file is refused before anything starts
            if args.scheduler is None:
                from .kernels import KernelSession

                session = KernelSession(not args.fresh_kernels)
            elif args.jobs is not None:
                raise InputError("--jobs", "sets the notebooks run at once on this machine; with --scheduler the "
                                           "cluster's workers decide", value=args.jobs)
            from .batch import run_batch

            result = run_batch(args.batch, args.output, jobs=args.jobs, scheduler=args.scheduler,
                               notebook_dir=Path(args.notebooks) if args.notebooks else None, session=session)
            done = len(result.results) - len(result.failed)
            line = (f"batch written to {result.output}/index.html ({done} of {len(result.results)} sets, "
                    f"on {result.where}, {result.seconds:.1f} s)")
            if result.failed:
                first = result.failed[0]
                return _fail(f"{line}; {len(result.failed)} failed: {first.error}"
                             + (f" (and {len(result.failed) - 1} more, see the index)" if len(result.failed) > 1 else ""),
                             1)
            print(line)
        elif args.command == "check":
            from ..data.plan import load_plan

            plan = load_plan(args.plan_dir)
            roles = plan.statements["role"].value_counts()
            print(f"{plan.meta.id}: {len(plan.indicators)} indicators, {len(plan.statements)} statements "
                  f"({roles.get('baseline', 0)} baseline, {roles.get('target', 0)} target); all quotes verified")
        elif args.command == "template":
            from ..data.observations import read_observations
            from ..data.plan import load_plan
            from ..data.workbook import write_template

            plan = load_plan(args.plan_dir)
            known = read_observations(args.known, plan) if args.known else None
            written = write_template(plan, args.output, known)
            filled = 0 if known is None else len(known)
            print(f"template written to {written} ({len(plan.indicators)} indicators × "
                  f"{plan.meta.period_start}–{plan.meta.period_end}; {filled} values filled in)")
        elif args.command == "evaluate":
            from ..methods.evaluation import EVALUATION_DIR, evaluate
            from ..present.evaluation_report import format_report

            if args.gross_margins:
                from ..methods.evaluation import gross_margin_scores

                print(gross_margin_scores(args.series or EVALUATION_DIR).to_string(
                    index=False, float_format=lambda v: f"{v:.3f}"))
            else:
                print(format_report(evaluate(args.series or EVALUATION_DIR), by_horizon=args.by_horizon))
        return 0
    except InputError as exc:
        if args.debug:
            raise
        return _fail(str(exc), 2)
    except KeyboardInterrupt as exc:
        if session is not None:
            session.close()  # kernels killed, temporary files removed, before the process ends
        kept = getattr(exc, "kept", None)
        name = "SIGINT" if not isinstance(exc, Interrupted) else str(exc)
        where = f"; this run's files are kept in {kept}" if kept else ""
        print(f"interrupted ({name}); the previous report is unchanged{where}", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT))  # no wait for threads
    except Exception as exc:
        if args.debug:
            raise
        from .runner import RunError

        if isinstance(exc, RunError):
            return _fail(str(exc), 1)
        return _fail(f"unexpected {type(exc).__name__}: {str(exc)[:200]} (run again with --debug for the "
                     "traceback, and report it)", 1)
    finally:
        if session is not None:
            session.close()
        if threading.current_thread() is threading.main_thread():
            for s, handler in previous.items():
                signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}".replace("\n", " "), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())

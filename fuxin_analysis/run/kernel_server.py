"""The fork server of the runner's kernels (see :mod:`fuxin_analysis.run.kernels`): a process that imports what every
notebook of the collection imports, then forks one IPython kernel per request.

Run as ``python -c "from fuxin_analysis.run.kernel_server import serve; serve(FD)"`` with FD one end of a Unix socket
pair; the runner keeps the other end. A request is one JSON line ``{"args", "env", "cwd", "runner_pid"}``; the reply
is one JSON line ``{"pid": N}``. The server ends when the runner closes its end (or ends).

Only imports happen before a fork: no figure, no thread, no open socket but the control one, which each kernel
closes first thing.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

#: Imported once, before any kernel is forked: ipykernel, pandas, matplotlib's pyplot, the package.
PRELOAD = ("IPython.display", "ipykernel.ipkernel", "ipykernel.kernelapp", "pandas", "matplotlib.pyplot",
           "fuxin_analysis.present.charts", "fuxin_analysis.present.notebook", "fuxin_analysis.present.tables",
           "fuxin_analysis.methods.progress", "fuxin_analysis.methods.scenarios", "fuxin_analysis.data.reference",
           "fuxin_analysis.run.report")


def _preload(control: socket.socket) -> None:
    """Import PRELOAD; stop at once if the runner has gone meanwhile (it refused its inputs, or was stopped)."""
    import importlib

    # the backend ipykernel chooses for a fresh kernel; pyplot loads it only when the kernel makes a figure
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    for name in PRELOAD:
        try:
            if control.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                os._exit(0)  # the runner closed its end
        except BlockingIOError:
            pass
        importlib.import_module(name)


def serve(fd: int) -> None:
    """Preload, then answer fork requests on socket ``fd`` until it closes."""
    control = socket.socket(fileno=fd)
    # Ctrl-C in a terminal reaches the whole foreground group; the runner handles it, and the server ends with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what ipykernel_launcher does: no working folder ("") on the import path while importing; IPython puts "" back
    # in each kernel, after the standard library (not with python -P, which IPython reads as "never")
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    _preload(control)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system; the runner watches them
    reader = control.makefile("r", encoding="utf-8")
    for line in reader:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the kernel
            try:
                reader.close()
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)  # as in any new Python process
                kernel_main(request["args"], request["env"], request["cwd"], request["runner_pid"])
            except SystemExit as exc:
                os._exit(exc.code if isinstance(exc.code, int) else 1)
            except BaseException:
                import traceback

                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        control.sendall((json.dumps({"pid": pid}) + "\n").encode())


def _exit_with(pid: int) -> None:
    """End this process as soon as process ``pid`` ends (its pidfd becomes readable)."""
    import select

    try:
        handle = os.pidfd_open(pid)
    except OSError:
        os._exit(1)
    select.select([handle], [], [])
    os._exit(1)


def kernel_main(args: list[str], env: dict[str, str], cwd: str | None, runner_pid: int) -> None:
    """In the forked child: become what ``python -m ipykernel_launcher ARGS`` would be, and run the kernel.

    Its parent is the fork server, which the kernel's own parent check cannot use: a thread watches the runner
    and ends the kernel with it (Ctrl-C, a crash), as a kernel started the usual way ends with its parent."""
    import atexit
    import importlib.util
    import tempfile
    import threading

    os.setsid()  # its own process group, as jupyter_client gives a kernel: an interrupt reaches only the kernel
    threading.Thread(target=_exit_with, args=(runner_pid,), name="exit-with-runner", daemon=True).start()
    if cwd:
        os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # read TMPDIR again: the run's own temporary folder
    launcher = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [launcher.origin if launcher and launcher.origin else "ipykernel_launcher", *args]
    from ipykernel.kernelapp import IPKernelApp

    # parent_handle=1: no parent poller (the fork server is not the one to watch) and no connection banner
    IPKernelApp.launch_instance(argv=[*args, "--IPKernelApp.parent_handle=1"])
    atexit._run_exitfuncs()  # what the interpreter does at exit (IPython saves its history) before os._exit

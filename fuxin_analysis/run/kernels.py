"""Kernels for the runner: one :class:`KernelSession` per run, IPC transport, forked from a preloaded process.

A fresh IPython kernel spends about 1.2 s of CPU before it runs a cell: starting Python, importing ipykernel,
then pandas and matplotlib in the notebook's first cell. Six notebooks pay it six times. A run's session instead
starts one fork server (:mod:`fuxin_analysis.run.kernel_server`) that does those imports once, and forks each kernel
from it: the same ipykernel kernel, reached through the same connection file, in the notebook's folder, with the
runner's environment, its imports already done. Only a kernel whose command is this interpreter's
``ipykernel_launcher`` is forked (others start the usual way), and only on Linux (a pidfd tells the runner when a
kernel it did not start has ended). ``run(..., preload=False)`` / ``--fresh-kernels`` starts every kernel afresh.

Everything a run's kernels leave in temporary places (sockets, connection files, their TMPDIR, a matplotlib or
IPython folder when the usual one cannot be written) is in the session's private folder, removed when the run
ends, and no kernel outlives its session.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any


@cache
def available() -> bool:
    """Whether kernels can be forked here: POSIX fork and Linux pidfds (Linux 5.3 or later)."""
    if not (hasattr(os, "fork") and hasattr(os, "pidfd_open")):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def _is_this_ipykernel(cmd: list[str]) -> bool:
    """Whether ``cmd`` starts an IPython kernel with this very interpreter (what a forked kernel would be)."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    try:
        return os.path.samefile(cmd[0], sys.executable)
    except OSError:
        return False


class ForkServer:
    """The runner's end of a :mod:`fuxin_analysis.run.kernel_server` process: ``fork(...)`` returns a kernel's pid."""

    def __init__(self, env: Mapping[str, str]) -> None:
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-c", f"from fuxin_analysis.run.kernel_server import serve; serve({theirs.fileno()})"],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=dict(env))
        theirs.close()
        self._socket = ours
        self._reader = ours.makefile("r", encoding="utf-8")
        self._lock = threading.Lock()

    def fork(self, args: list[str], env: dict[str, str], cwd: str | None) -> int:
        request = {"args": args, "env": env, "cwd": cwd, "runner_pid": os.getpid()}
        with self._lock:
            self._socket.sendall((json.dumps(request) + "\n").encode())
            reply = self._reader.readline()
        if not reply:
            raise RuntimeError(f"the kernel fork server ended (exit code {self._process.poll()})")
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        """End the server (it exits when its socket closes); kernels it forked keep running."""
        self._reader.close()
        self._socket.close()
        self._process.wait()


class ForkedKernel:
    """The part of :class:`subprocess.Popen` that jupyter_client's provisioner uses, for a kernel forked by the
    fork server. The kernel is not the runner's child: a pidfd tells when it has ended, but not its exit status,
    reported as -1 ("ended")."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # already gone
            self._pidfd, self.returncode = None, -1

    def poll(self) -> int | None:
        if self.returncode is None:
            import select

            readable, _, _ = select.select([self._pidfd], [], [], 0)
            if readable:
                self.returncode = -1
                os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None:
            import select

            select.select([self._pidfd], [], [], timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def _can_make(folder: Path) -> bool:
    """Whether ``folder`` exists or can be created, and can be written (what matplotlib checks for its folders)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return _writable_dir(folder)


def _matplotlib_needs_a_folder(env: Mapping[str, str]) -> bool:
    """Whether matplotlib would fall back to a temporary config folder of its own (and warn, and leave it behind
    in a forked kernel): its config and cache folders cannot be written (HOME read-only, a container's user)."""
    if env.get("MPLCONFIGDIR"):
        return not _can_make(Path(env["MPLCONFIGDIR"]).expanduser())
    home = Path(os.path.expanduser("~"))
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib"
    cache_ = Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
    return not (_can_make(config) and _can_make(cache_))


def _ipython_needs_a_folder(env: Mapping[str, str]) -> bool:
    """Whether IPython would warn and use a temporary profile folder: its folder (IPYTHONDIR or ~/.ipython) cannot
    be written, nor created in its parent (IPython's own test, ``IPython.paths.get_ipython_dir``)."""
    folder = Path(os.path.expanduser(env.get("IPYTHONDIR") or "~/.ipython"))
    return not _writable_dir(folder) if folder.exists() else not _writable_dir(folder.parent)


#: The session's janitor: a bare Python process (no site packages) in its own session, which removes the session's
#: folder if the runner dies without closing it (SIGKILL, the machine's OOM killer); killed by a normal close.
_JANITOR = """
import os, shutil, sys, time
runner, folder = int(sys.argv[1]), sys.argv[2]
while os.getppid() == runner:
    time.sleep(0.5)
time.sleep(2)  # the kernels notice their runner is gone and exit
shutil.rmtree(folder, ignore_errors=True)
"""


class KernelSession:
    """What the kernels of one run share, and what is gone when the run ends, however it ends.

    - A private temporary folder (``fuxin-run-*``, mode 700) for the kernels' sockets and connection files, set as
      their TMPDIR, and holding matplotlib's or IPython's folder when the usual one cannot be written: nothing the
      run's kernels write to a temporary place outlives the run.
    - The fork server (with ``preload``, where :func:`available`), started at once so that its imports overlap the
      caller's checks, with the kernels' environment; it ends with the session, so its imports are never stale.
    - Every kernel started: :meth:`close` kills any still running (an interrupted or failed run), then removes the
      folder. If the runner is killed outright and cannot close it, a janitor process removes the folder, and the
      kernels end by themselves (they watch the runner).
    """

    def __init__(self, preload: bool = True) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="fuxin-run-"))
        self._janitor = subprocess.Popen([sys.executable, "-I", "-S", "-c", _JANITOR, str(os.getpid()), str(self.folder)],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
        self.overrides: dict[str, str] = {"TMPDIR": str(self.folder)}
        if _matplotlib_needs_a_folder(os.environ):
            self.overrides["MPLCONFIGDIR"] = str(self.folder / "matplotlib")
        if _ipython_needs_a_folder(os.environ):
            self.overrides["IPYTHONDIR"] = str(self.folder / "ipython")
        self._processes: list[Any] = []
        self._launching = threading.Lock()
        self._closed = False
        self.server: ForkServer | None = ForkServer(self.kernel_env(os.environ)) if preload and available() else None
        self._manager_class: type | None = None

    def kernel_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """``env`` as a kernel of this session gets it: the session's overrides applied, and no MPLBACKEND (a
        non-interactive backend inherited from the caller would keep the charts out of the notebooks)."""
        out = {k: v for k, v in env.items() if k != "MPLBACKEND"}
        out.update(self.overrides)
        return out

    @property
    def manager_class(self) -> type:
        """The kernel manager class for papermill (``kernel_manager_class``): IPC transport in the session's
        folder, kernels forked from the session's server where possible."""
        if self._manager_class is None:
            self._manager_class = _manager_class(self)
        return self._manager_class

    def begin_launch(self) -> None:
        """Called before a kernel's connection file is written: holds :meth:`close` off until :meth:`end_launch`,
        so that a kernel is either never started or started and then killed, and nothing is written into the
        folder once it is removed. Refuses once the session is closed (the run was stopped)."""
        self._launching.acquire()
        if self._closed:
            self._launching.release()
            raise RuntimeError("the run has stopped")

    def end_launch(self, process: Any | None) -> None:
        if process is not None:
            self._processes.append(process)
        self._launching.release()

    def close(self) -> None:
        """Kill the kernels still running, end the fork server, remove the folder. Safe to call twice."""
        with self._launching:
            if self._closed:
                return
            self._closed = True
            processes = list(self._processes)
        for process in processes:
            _kill(process)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.server is not None:
            self.server.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._janitor.kill()
        self._janitor.wait()

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: A Unix socket's path holds at most 107 bytes; ZMQ adds "-<port>" to the prefix (up to 5 more).
MAX_SOCKET_PATH = 107


def socket_prefix(folder: Path) -> str:
    """The IPC address prefix of a kernel's sockets: a file in the session's private folder, or, where that path
    would pass the limit of a Unix socket's address (a long TMPDIR), a name in Linux's abstract namespace, which
    leaves nothing on disk (its messages are still signed with the key of the private connection file)."""
    path = str(folder / f"kernel-{uuid.uuid4().hex[:12]}")
    if len(path.encode()) + 6 <= MAX_SOCKET_PATH or not sys.platform.startswith("linux"):
        return path
    return f"@fuxin-kernel-{uuid.uuid4().hex}"


def _kill(process: Any) -> None:
    """Kill a kernel that is still running, with its own process group (anything it started)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()


def _manager_class(session: KernelSession) -> type:
    """A kernel manager class that talks to its kernel over Unix sockets in the session's folder, not TCP ports
    (kernels started at the same moment never race for a port), writes its connection file there, gives kernels
    the session's environment and, where the session has a fork server, forks them from it. jupyter_client is
    imported here, on first use."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import default

    class SessionProvisioner(LocalProvisioner):  # type: ignore[misc]
        """LocalProvisioner, with the session's environment, and the kernel forked from the session's server."""

        def _finalize_env(self, env: dict[str, str]) -> None:
            super()._finalize_env(env)
            fixed = session.kernel_env(env)
            env.clear()
            env.update(fixed)

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            if session.server is None or not _is_this_ipykernel(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            cwd = kwargs.get("cwd")
            try:
                pid = session.server.fork(cmd[3:], dict(kwargs.get("env") or os.environ), str(cwd) if cwd else None)
            except (OSError, RuntimeError, ValueError) as exc:  # the server died or cannot start: start afresh
                self.log.warning("kernel fork server unavailable (%s); starting the kernel afresh", exc)
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)
            self.pid = pid
            self.pgid = pid  # the kernel's own group (setsid in the kernel); never the fork server's
            self.cwd = Path(cwd) if cwd else Path.cwd()
            return self.connection_info

    class IPCKernelManager(AsyncKernelManager):  # type: ignore[misc]
        @property
        def kernel_spec(self) -> Any:
            """This interpreter's ipykernel, as ``ipykernel install`` would describe it: not looked up among the
            kernels installed for the user (a ``python3`` kernel there may be another Python, and the search reads
            IPython's folder, which warns and makes a temporary one when HOME cannot be written)."""
            if self._kernel_spec is None:
                from ipykernel.kernelspec import RESOURCES, get_kernel_dict
                from jupyter_client.kernelspec import KernelSpec

                known = set(KernelSpec.class_trait_names())
                spec = {k: v for k, v in get_kernel_dict().items() if k in known}
                self._kernel_spec = KernelSpec(name=self.kernel_name, resource_dir=RESOURCES, **spec)
            return self._kernel_spec

        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return socket_prefix(session.folder)

        @default("connection_file")
        def _connection_file_default(self) -> str:
            return str(session.folder / f"kernel-{uuid.uuid4().hex[:12]}.json")

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before asking it to shut down; the runner shuts a kernel down only
            # once its notebook has finished, so there is nothing to interrupt, and ipykernel would log a
            # "KeyboardInterrupt caught in kernel" ERROR on the user's terminal whenever the signal landed mid-message
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            session.begin_launch()  # released by _async_launch_kernel, which jupyter_client calls next
            try:
                if self.provisioner is None:
                    self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                    self.provisioner = SessionProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                          parent=self)
                return await super()._async_pre_start_kernel(**kw)
            except BaseException:
                session.end_launch(None)
                raise

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            try:
                await super()._async_launch_kernel(kernel_cmd, **kw)
            finally:
                session.end_launch(getattr(self.provisioner, "process", None))

    return IPCKernelManager

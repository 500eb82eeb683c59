"""Kernels for the runner: IPC transport, and forked from a preloaded process instead of started afresh.

A fresh IPython kernel spends about 1.2 s of CPU before it runs a cell: starting Python, importing ipykernel,
then pandas and matplotlib in the notebook's first cell. Six notebooks pay it six times. The runner instead starts
one fork server (:mod:`fuxin_analysis.kernel_server`) that does those imports once, and forks each kernel from
it: the same ipykernel kernel, reached through the same connection file, in the notebook's folder, with the
runner's environment, its imports already done. Only a kernel whose command is this interpreter's
``ipykernel_launcher`` is forked (others start the usual way), and only on Linux (a pidfd tells the runner when a
kernel it did not start has ended). ``run(..., preload=False)`` / ``--fresh-kernels`` starts every kernel afresh.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
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
    """The runner's end of a :mod:`fuxin_analysis.kernel_server` process: ``fork(...)`` returns a kernel's pid."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.fingerprint = _fingerprint()
        self._process = subprocess.Popen(
            [sys.executable, "-c", f"from fuxin_analysis.kernel_server import serve; serve({theirs.fileno()})"],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
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

    def alive(self) -> bool:
        return self._process.poll() is None

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


_SERVER_LOCK = threading.Lock()
_server: ForkServer | None = None
#: Read when the fork server imports its modules; a change means its kernels would differ from fresh ones.
_IMPORT_TIME_ENV = ("MPLCONFIGDIR", "PYTHONPATH", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")


def _fingerprint() -> str:
    """What the fork server's imports depend on and could change within one Python session: the package's source
    files (a researcher editing a chart between two runs) and a few variables read at import."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    for name in _IMPORT_TIME_ENV:
        digest.update(f"{name}={os.environ.get(name)}\n".encode())
    return digest.hexdigest()


def fork_server() -> ForkServer:
    """The fork server, started on first use so that its imports overlap the runner's own work. In a long Python
    session (a notebook calling ``run`` twice, the tests) it is replaced when the package's code changed since it
    started, so that kernels never run stale code."""
    global _server
    with _SERVER_LOCK:
        if _server is not None and (not _server.alive() or _server.fingerprint != _fingerprint()):
            _server.close()
            _server = None
        if _server is None:
            _server = ForkServer()
        return _server


def start_early(preload: bool = True) -> None:
    """Start the fork server now (when kernels will be forked), so that its imports overlap the caller's work."""
    if preload and available():
        fork_server()


@cache
def ipc_kernel_manager(preload: bool = False) -> type:
    """A kernel manager class that talks to its kernel over Unix sockets in the temp folder, not TCP ports (kernels
    started at the same moment never race for a port); with ``preload`` (where :func:`available`), kernels are
    forked from the fork server. jupyter_client is imported on first use."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import default

    class PreloadedProvisioner(LocalProvisioner):  # type: ignore[misc]
        """LocalProvisioner, except that the kernel process is forked from the preloaded fork server."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            if not _is_this_ipykernel(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            cwd = kwargs.get("cwd")
            try:
                pid = fork_server().fork(cmd[3:], dict(kwargs.get("env") or os.environ), str(cwd) if cwd else None)
            except (OSError, RuntimeError, ValueError) as exc:  # the server died or cannot start: start afresh
                self.log.warning("kernel fork server unavailable (%s); starting the kernel afresh", exc)
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)
            self.pid = pid
            self.pgid = pid  # the kernel's own group (setsid in the kernel); never the fork server's
            self.cwd = Path(cwd) if cwd else Path.cwd()
            return self.connection_info

    class IPCKernelManager(AsyncKernelManager):  # type: ignore[misc]
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return os.path.join(tempfile.gettempdir(), f"fuxin-kernel-{uuid.uuid4().hex[:12]}")

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before asking it to shut down; the runner shuts a kernel down only
            # once its notebook has finished, so there is nothing to interrupt, and ipykernel would log a
            # "KeyboardInterrupt caught in kernel" ERROR on the user's terminal whenever the signal landed mid-message
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            if preload and available() and self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = PreloadedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                        parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return IPCKernelManager

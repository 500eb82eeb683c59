"""How many visitors the explorer app holds on this machine (``make app`` serves one kernel per visitor).

Starts the app as ``make app`` does, opens ``--visitors`` pages one after another in headless Chromium and keeps
them open, and prints for each the seconds until its chart showed; then the memory each visitor's kernel holds
(resident set, from /proc), the memory still available, and the number of visitors that memory would hold.

    .venv/bin/python benchmarks/app_visitors.py --visitors 6
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=6)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "voila", str(ROOT / "notebooks" / "explore.ipynb"), "--no-browser",
           "--Voila.ip=127.0.0.1", f"--port={port}", "--template=offline"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                              env={**os.environ, "JUPYTER_PATH": str(ROOT / "app")})
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        before = _available_mb()
        times = []
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"],
                                        chromium_sandbox=False)
            pages = []
            for i in range(args.visitors):
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(url, timeout=120_000)
                page.locator(".widget-image img, img.widget-image").first.wait_for(timeout=120_000)
                times.append(time.perf_counter() - t0)
                pages.append(page)
                print(f"visitor {i + 1}: chart shown after {times[-1]:.1f} s")
            kernels = [_rss_mb(k) for k in _children(server.pid) if "ipykernel" in Path(f"/proc/{k}/cmdline")
                       .read_bytes().decode(errors="replace")]
            after = _available_mb()
            browser.close()
        per = statistics.median(kernels) if kernels else float("nan")
        print(f"machine: {os.cpu_count()} cores; {len(kernels)} visitor kernels, median resident memory "
              f"{per:.0f} MB (range {min(kernels):.0f}–{max(kernels):.0f} MB)")
        print(f"memory available before {before:.0f} MB, with the visitors {after:.0f} MB (the browser included)")
        print(f"first chart: median {statistics.median(times):.1f} s, slowest {max(times):.1f} s")
        print(f"visitors the available memory holds at {per:.0f} MB each: about {int(before // per)} "
              f"(keeping 25% for the system: {int(before * 0.75 // per)})")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

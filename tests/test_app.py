"""The explorer as a web app (Voilà, with the command and template `make app` uses), in headless Chromium: the page shows widgets and no
code or traceback, changing the indicator and the as-of year changes the chart and the row, and nothing is fetched
from outside the machine."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from fuxin_analysis import load_plan

from .conftest import CHROMIUM_ARGS, ROOT, chromium_or_skip

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

CHROMIUM = chromium_or_skip()
ARGS = CHROMIUM_ARGS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """``make app``'s command on a free port; its log kept for a failing test's message."""
    port = _free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    cmd = [sys.executable, "-m", "voila", str(ROOT / "notebooks" / "explore.ipynb"), "--no-browser",
           "--Voila.ip=127.0.0.1", f"--port={port}", "--template=offline", "--VoilaConfiguration.show_tracebacks=False",
           "--VoilaConfiguration.strip_sources=True"]
    env = {**os.environ, "JUPYTER_PATH": str(ROOT / "app")}
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "api", timeout=1)
                break
            except OSError as exc:
                if getattr(exc, "code", None):
                    break  # an HTTP answer: the server is up
                time.sleep(0.5)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_app_explores_without_code_tracebacks_or_the_network(app):
    from playwright.sync_api import sync_playwright

    url, log = app
    blocked = []

    def guard(route):
        if route.request.url.startswith((url, "data:", "blob:", url.replace("http:", "ws:"))):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, chromium_sandbox=False)
        page = browser.new_page()
        page.route("**/*", guard)
        page.goto(url, wait_until="load", timeout=90_000)
        chart = page.locator(".widget-image img, img.widget-image").first
        chart.wait_for(state="visible", timeout=90_000)

        def dropdown(text):
            return page.locator(".widget-dropdown", has_text=text).locator("select")

        def snapshot():
            page.wait_for_timeout(300)
            return chart.get_attribute("src"), page.locator(".widget-html").first.inner_text()

        china = load_plan(ROOT / "data" / "plans" / "china_14th_education")
        n_domains = china.targets()["domain"].nunique()
        plan_label = next(t for t in dropdown("Plan").locator("option").all_inner_texts() if "纲要" in t)
        dropdown("Plan").select_option(label=plan_label)
        page.wait_for_function(f"() => document.querySelectorAll('.widget-dropdown select')[1].options.length == "
                               f"{n_domains}", timeout=30_000)
        dropdown("Domain").select_option(label="高等教育 / Higher education")
        page.wait_for_function("() => Array.from(document.querySelectorAll('.widget-dropdown select')[2].options)"
                               ".some(o => o.text.replace(/\\u00a0/g, ' ').includes('higher-education gross enrolment rate'))", timeout=30_000)
        before = snapshot()
        dropdown("As of").select_option(label="2022")
        page.wait_for_function("(src) => document.querySelector('.widget-image img, img.widget-image').src != src",
                               arg=before[0], timeout=30_000)
        after_2022 = snapshot()
        assert after_2022[0] != before[0]
        assert "Open" in after_2022[1] and "59.6" in after_2022[1]  # the row of the higher-education target in 2022
        dropdown("As of").select_option(label="2025")
        page.wait_for_function("(src) => document.querySelector('.widget-image img, img.widget-image').src != src",
                               arg=after_2022[0], timeout=30_000)
        after_2025 = snapshot()
        assert "Met" in after_2025[1] and "61.3" in after_2025[1]
        content = page.content()
        browser.close()
    assert "Traceback" not in content and "Error" not in page_text(content)
    assert "from fuxin_analysis.present.explore import" not in content  # no code reaches the page
    assert blocked == [], blocked
    assert "Traceback" not in log.read_text(), log.read_text()[-2000:]


def page_text(content: str) -> str:
    import re

    body = content.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", body)

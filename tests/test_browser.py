"""The report in a real browser (Debian's headless Chromium), with the network blocked: every page loads
with no failed request, every image decodes, the Chinese title is there, and every relative link resolves."""


import pytest

from .conftest import CHROMIUM_ARGS, chromium_or_skip

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

CHROMIUM = chromium_or_skip()
ARGS = CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, chromium_sandbox=False)
        yield b
        b.close()


def _visit(browser, url: str) -> dict:
    context = browser.new_context(offline=True)
    blocked, failed = [], []

    def guard(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    dialogs = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    info = page.evaluate("""() => ({
        title: document.title,
        h1: Array.from(document.querySelectorAll('h1')).map(h => h.textContent).join(' | '),
        images: document.images.length,
        broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length,
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
        scripts: document.querySelectorAll('script').length,
    })""")
    context.close()
    return {**info, "blocked": blocked, "failed": failed, "dialogs": dialogs}


def test_index_page(browser, report):
    info = _visit(browser, (report / "index.html").as_uri())
    assert info["blocked"] == [] and info["failed"] == [] and info["dialogs"] == []
    assert "阜新" in info["title"] and "<script>alert(1)</script> 阜新" in info["h1"]  # shown as text, not run
    relative = [h for h in info["links"] if not h.startswith(("http:", "https:", "#"))]
    assert len(relative) >= 9
    for href in relative:
        assert (report / href).is_file(), href


@pytest.mark.parametrize("name", ["01_baselines", "02_trajectories", "03_scorecard", "04_national_comparison",
                                  "05_teachers_and_vocational", "06_scenarios"])
def test_notebook_page(browser, report, name):
    info = _visit(browser, (report / f"{name}.html").as_uri())
    assert info["blocked"] == [], info["blocked"]
    assert info["failed"] == [], info["failed"]
    assert info["dialogs"] == []  # no injected script ran
    assert info["images"] >= 1 and info["broken"] == 0
    assert "<script>alert(1)</script>" in info["h1"]  # the hostile title is text
    assert "index.html" in info["links"]

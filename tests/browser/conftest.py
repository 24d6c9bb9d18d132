"""Browser tests: Playwright drives Debian's Chromium against Django's live server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are plain synchronous calls on the same thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
#: Each journey's last page (the issue asks for them as CI artifacts; git-ignored).
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (.ci/run does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}.png"), full_page=True)
    context.close()


AXE = os.path.join(os.path.dirname(__file__), "node_modules", "axe-core", "axe.min.js")
#: Impacts that fail a page. Moderate and minor findings are listed in the README with a reason.
AXE_FAILING = ("serious", "critical")


def axe_violations(page, *, impacts=AXE_FAILING) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page as it is now; the violations of `impacts`, one
    line each with the offending elements."""
    if not os.path.exists(AXE):
        pytest.fail("axe-core is missing: `make install-dev` installs it (npm ci --prefix tests/browser).")
    page.add_script_tag(path=AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['impact']}: {v['id']} — {v['help']} — "
        + "; ".join(
            ", ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5]
        )
        for v in result["violations"]
        if v["impact"] in impacts
    ]

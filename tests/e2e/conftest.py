import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread while the browser lives; the ORM calls of the
    # fixtures and of the database teardown are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# The page tells the test of every Content-Security-Policy violation, whatever the console says.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportViolation(event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at " +
                         event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Open a page in a browser context of its own (one user's session). The test fails if any page it opened broke the
    Content-Security-Policy: an inline script or style, an event handler attribute, a resource from elsewhere."""
    contexts, violations = [], []

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        context.expose_binding("reportViolation", lambda source, text: violations.append(f"{source['page'].url}: {text}"))
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", lambda message: "Content Security Policy" in message.text and violations.append(
            f"{message.location.get('url')}: {message.text}"))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        for page in context.pages:
            page.evaluate("() => new Promise(done => setTimeout(done, 0))")  # lets a last report reach the test
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page()

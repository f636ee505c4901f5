"""Fixtures of the browser tests: one platform behind the generated nginx gateway for the whole
run, and a fresh 360-px-wide browser per test (a phone)."""

import pytest

from harness import Platform, new_driver


@pytest.fixture(scope="session")
def platform():
    with Platform(gateway=True) as running:
        yield running


@pytest.fixture
def driver():
    browser = new_driver(360)
    yield browser
    browser.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, keeps the page's screenshot and text beside the others (to see what the shopper saw)."""
    outcome = yield
    report = outcome.get_result()
    browser = item.funcargs.get("driver") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and browser is not None:
        from harness import screenshot
        path = screenshot(browser, "failed-" + item.name)
        with open(path[:-4] + ".txt", "w") as handle:
            handle.write(browser.current_url + "\n\n" + browser.find_element("tag name", "body").text)

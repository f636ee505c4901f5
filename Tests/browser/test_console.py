"""The merchant console in a real headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium) against a real `soko serve` behind the generated nginx gateway (harness.py): an admin creates a product that then appears in the
storefront, ships a paid order, and the shopper sees the tracking number; a customer gets the 403
page; a product named <script>alert(1)</script> shows as text; forms without the CSRF token are
refused; the cookies and security headers are checked. Screenshots at 360 px and 1280 px go to
SOKO_SCREENSHOTS (default Tests/browser/screenshots/, gitignored).

Run: python3 -m pytest Tests/browser/test_console.py (after `swift build`).
"""
import base64
import os
import re
import secrets
import uuid
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import ADMIN_PASSWORD as PASSWORD
from harness import SCREENSHOTS, Platform, poll

ADMIN_EMAIL = "admin@example.com"
SHOTS = Path(SCREENSHOTS)


@pytest.fixture(scope="module")
def platform():
    """A platform of the console's own (its categories and products stay out of the storefront
    tests'), with the browser going through the generated nginx gateway and an admin account."""
    with Platform(gateway=True) as running:
        running.admin_token(ADMIN_EMAIL)
        yield running


def new_browser(width=1280):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")))
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = new_browser()
    yield driver
    driver.quit()


# --- finding things by their accessible names ------------------------------------------------------


def control(scope, name):
    """The input, select or textarea labelled `name` (a wrapping label, or one with `for`)."""
    label = scope.find_element(
        By.XPATH, f".//label[normalize-space(text())='{name}' or normalize-space(.)='{name}' or starts-with(normalize-space(.), '{name} ')]"
    )
    target = label.get_attribute("for")
    if target:
        return scope.find_element(By.ID, target)
    return label.find_element(By.XPATH, ".//input|.//select|.//textarea")


def fill(scope, name, value):
    element = control(scope, name)
    if element.tag_name == "select":
        Select(element).select_by_visible_text(value)
    else:
        element.clear()
        element.send_keys(value)


def button(scope, name):
    return scope.find_element(By.XPATH, f".//button[normalize-space(.)='{name}'] | .//input[@type='submit' and @value='{name}']")


def form_with(driver, button_name):
    return driver.find_element(By.XPATH, f"//form[.//button[normalize-space(.)='{button_name}']]")


# What a page that is being replaced by the next one may raise while a wait polls it.
NAVIGATING = (StaleElementReferenceException, NoSuchElementException)


def body_text(driver):
    """The page's text, or "" while the page is being replaced: Chromium's driver can then answer any
    command with an error ("unhandled inspector error: cannot find context"), not only a stale element."""
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    except WebDriverException:
        return ""


def wait_for_text(driver, text, timeout=20):
    try:
        WebDriverWait(driver, timeout, ignored_exceptions=NAVIGATING).until(lambda d: text in body_text(d))
    except TimeoutException:
        body = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"{text!r} did not appear at {driver.current_url}; the page says:\n{body[:2000]}") from None


def wait_for_path(driver, predicate, timeout=20):
    WebDriverWait(driver, timeout, ignored_exceptions=NAVIGATING).until(
        lambda d: predicate(d.current_url.split("?")[0].split("#")[0])
    )


def sign_in(driver, platform, email, password, next_path):
    driver.get(platform.url + next_path)
    wait_for_path(driver, lambda url: url.endswith("/signin"))
    fill(driver, "Email", email)
    fill(driver, "Password", password)
    button(driver, "Sign in").click()
    wait_for_path(driver, lambda url: url.endswith(next_path))


def screenshots(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return Math.max(document.body.scrollHeight, 900)")
        driver.set_window_size(width, min(height, 4000))
        path = SHOTS / f"{name}-{width}.png"
        assert driver.save_screenshot(str(path)), path
        assert path.stat().st_size > 1000
        # Usable at this width: nothing wider than the viewport but the tables' own scroll boxes.
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} overflows by {overflow}px at {width}px"
    driver.set_window_size(1280, 900)


# --- the tests --------------------------------------------------------------------------------------


def test_an_admin_creates_a_product_and_ships_an_order_and_the_shopper_sees_the_tracking_number(platform, browser):
    sign_in(browser, platform, ADMIN_EMAIL, PASSWORD, "/admin")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard"

    # A category, then a product in it.
    browser.get(platform.url + "/admin/categories")
    adding = form_with(browser, "Add category")
    fill(adding, "Name", "Kitchen")
    button(adding, "Add category").click()
    wait_for_text(browser, "Category added.")

    browser.get(platform.url + "/admin/catalog/new")
    fill(browser, "SKU", "JIKO-B1")
    fill(browser, "Name", "Browser Jiko")
    fill(browser, "Price", "1,499.50")
    fill(browser, "Category", "Kitchen")
    fill(browser, "On hand", "5")
    fill(browser, "Image URLs", "https://images.example.org/jiko.jpg")
    button(browser, "Save").click()
    wait_for_text(browser, "Product created.")
    product = re.search(r"/admin/catalog/([0-9a-f-]{36})$", browser.current_url).group(1)
    assert "KES 1,499.50" in browser.find_element(By.TAG_NAME, "main").text
    screenshots(browser, "console-product")

    # It is on sale in the storefront at once.
    browser.get(platform.url + f"/p/{product}")
    wait_for_text(browser, "Browser Jiko")
    status, listed = platform.api("GET", "/products?q=jiko")
    assert status == 200 and product in [item["id"] for item in listed["items"]]

    # A shopper buys it and pays with M-Pesa (through the JSON API; the storefront's own browser
    # tests walk the checkout pages).
    shopper_email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
    shopper = platform.register(shopper_email, "shopper password 1", "Wanjiku")
    assert platform.api("POST", "/cart/items", {"product_id": product, "quantity": 1}, token=shopper)[0] in (200, 201)
    status, order = platform.api(
        "POST", "/orders", {"shipping_address": {"name": "Wanjiku", "line1": "1 Moi Avenue", "city": "Nairobi", "country": "KE"}},
        token=shopper, headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert status == 201, order
    status, paying = platform.api("POST", f"/orders/{order['id']}/pay", {"method": "mpesa", "phone": "254708374149"}, token=shopper)
    assert status == 202, paying
    assert poll(lambda: platform.api("GET", f"/orders/{order['id']}", token=shopper)[1]["status"] == "paid", timeout=30)

    # The dashboard lists it to ship; the admin finds it among the paid orders and ships it.
    browser.get(platform.url + "/admin")
    wait_for_text(browser, order["id"][:8])
    screenshots(browser, "console")
    browser.get(platform.url + "/admin/sales?status=paid")
    browser.find_element(By.LINK_TEXT, order["id"][:8]).click()
    wait_for_text(browser, "Tracking number")
    shipping = form_with(browser, "Ship")
    fill(shipping, "Carrier", "G4S")
    fill(shipping, "Tracking number", "KE-BROWSER-7")
    button(shipping, "Ship").click()
    wait_for_text(browser, "Shipped. The customer gets the tracking number by email.")
    assert "KE-BROWSER-7" in browser.find_element(By.TAG_NAME, "main").text
    screenshots(browser, "console-order")

    # The shopper, in a browser of their own, sees the tracking number on the order page.
    shopper_browser = new_browser(360)
    try:
        sign_in(shopper_browser, platform, shopper_email, "shopper password 1", f"/account/orders/{order['id']}")
        wait_for_text(shopper_browser, "KE-BROWSER-7")
        # And the console is not theirs: the 403 page.
        shopper_browser.get(platform.url + "/admin")
        wait_for_text(shopper_browser, "does not have the admin role")
        assert shopper_browser.find_element(By.TAG_NAME, "h1").text == "Forbidden"
    finally:
        shopper_browser.quit()


def test_a_product_named_like_a_script_shows_as_text(platform, browser):
    sign_in(browser, platform, ADMIN_EMAIL, PASSWORD, "/admin/catalog/new")
    hostile = "<script>alert(1)</script>"
    if not browser.find_elements(By.XPATH, "//select[@name='category_id']/option[normalize-space(.)='Kitchen']"):
        browser.get(platform.url + "/admin/categories")
        adding = form_with(browser, "Add category")
        fill(adding, "Name", "Kitchen")
        button(adding, "Add category").click()
        wait_for_text(browser, "Category added.")
        browser.get(platform.url + "/admin/catalog/new")
    fill(browser, "SKU", "XSS-1")
    fill(browser, "Name", hostile)
    fill(browser, "Price", "10")
    fill(browser, "Category", "Kitchen")
    button(browser, "Save").click()
    wait_for_text(browser, "Product created.")
    assert browser.find_element(By.TAG_NAME, "h1").text == hostile
    browser.get(platform.url + "/admin/catalog?q=XSS")
    cell = browser.find_element(By.XPATH, "//table//a[contains(@href, '/admin/catalog/')]")
    assert cell.text == hostile
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    served = platform_page(platform, "/admin/catalog?q=XSS")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in served and hostile not in served


def platform_page(platform, path):
    token = platform.login(ADMIN_EMAIL, PASSWORD)
    _, _, text = platform.page("GET", path, headers={"Cookie": f"soko_at={token}"})
    return text


def test_forms_need_the_csrf_token_and_pages_carry_the_security_headers(platform):
    token = platform.login(ADMIN_EMAIL, PASSWORD)
    browser_id = base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()
    cookies = f"soko_at={token}; soko_sid={browser_id}"

    status, headers, page = platform.page("GET", "/admin/categories", headers={"Cookie": cookies})
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    token_field = re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    for forged in (None, "forged", token_field[:-2] + "AA"):
        form = {"name": "Forged"}
        if forged is not None:
            form["csrf"] = forged
        status, _, text = platform.page("POST", "/admin/categories", form=form, headers={"Cookie": cookies})
        assert status == 403, text
    # The same token from another browser (another id cookie) is refused too.
    other = f"soko_at={token}; soko_sid={base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b'=').decode()}"
    status, _, _ = platform.page("POST", "/admin/categories", form={"name": "Forged", "csrf": token_field}, headers={"Cookie": other})
    assert status == 403
    status, _, listed = platform.page("GET", "/admin/categories", headers={"Cookie": cookies})
    assert "Forged" not in listed
    status, headers, _ = platform.page("POST", "/admin/categories", form={"name": "Genuine", "csrf": token_field}, headers={"Cookie": cookies})
    assert status == 303 and headers["Location"] == "/admin/categories"

    # A first visit gets its browser id cookie: HttpOnly, SameSite=Lax (Secure outside development).
    status, headers, _ = platform.page("GET", "/admin")
    assert status == 303 and headers["Location"].startswith("/signin?next=")
    set_cookies = headers.get_all("Set-Cookie") or []
    session = [value for value in set_cookies if value.startswith("soko_sid=")]
    assert session, set_cookies
    assert "HttpOnly" in session[0] and "SameSite=Lax" in session[0] and "Secure" not in session[0]


def test_the_session_cookies_are_http_only_in_the_browser(platform, browser):
    sign_in(browser, platform, ADMIN_EMAIL, PASSWORD, "/admin")
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    for name in ("soko_at", "soko_sid"):
        assert cookies[name]["httpOnly"] is True, cookies[name]
        assert cookies[name].get("sameSite") == "Lax", cookies[name]
    # Page scripts cannot read them.
    assert "soko_at" not in browser.execute_script("return document.cookie")
    # Signing out revokes the session: the console sends the browser to sign in again.
    button(browser, "Sign out").click()
    wait_for_path(browser, lambda url: url == platform.url + "/" or url.endswith("/"))
    browser.get(platform.url + "/admin")
    wait_for_path(browser, lambda url: url.endswith("/signin"))

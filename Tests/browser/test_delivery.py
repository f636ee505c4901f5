"""Delivery zones and pay on delivery in a real headless Chromium, through the generated nginx
gateway: the merchant adds a zone on the console's zones page, a shopper on a phone (360 px) chooses
it at checkout and pays on delivery, the merchant records the cash in the console ("Collected"), and
the shopper's order page shows it paid, with its timeline. The platform is this module's own: a shop
with zones needs one on every order, which the other tests' shop does not have.

Run: python3 -m pytest Tests/browser/test_delivery.py (after `swift build`)."""

import re
import uuid

import pytest
from selenium.webdriver.common.by import By

from harness import ADMIN_PASSWORD, Platform, new_driver, screenshot
from pages import click_button, fill, wait_path, wait_text

ADMIN_EMAIL = "admin@example.com"


@pytest.fixture(scope="module")
def platform():
    with Platform(gateway=True) as running:
        admin = running.admin_token(ADMIN_EMAIL)
        # Upcountry: online payment only (the console adds the zone that takes cash).
        status, body = running.api(
            "POST", "/admin/delivery-zones", {"id": "upcountry", "name": "Upcountry", "fee": 60000, "currency": "KES"},
            token=admin)
        assert status == 201, body
        yield running


def sign_in(driver, platform, email, password, next_path):
    """Through the storefront's sign-in page, which sends the browser back to `next_path`."""
    driver.get(platform.url + next_path)
    wait_path(driver, "/signin")
    fill(driver, "Email", email)
    fill(driver, "Password", password)
    click_button(driver, "Sign in")
    wait_path(driver, next_path)


def choose(driver, label_start):
    """Ticks the radio button or checkbox whose label starts with `label_start` (by clicking the label)."""
    driver.find_element(By.XPATH, f"//main//label[starts-with(normalize-space(.), '{label_start}')]").click()


def fits(driver, name):
    """Screenshots at 360 and 1280 px; nothing may be wider than the viewport."""
    for width in (360, 1280):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return Math.max(document.body.scrollHeight, 900)")
        driver.set_window_size(width, min(height, 4000))
        screenshot(driver, f"{name}-{width}")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} overflows by {overflow}px at {width}px"
    driver.set_window_size(360, 900)


def test_a_shopper_pays_on_delivery_and_the_merchant_collects(platform):
    admin = new_driver(1280)
    shopper = new_driver(360)
    try:
        # The merchant adds Nairobi CBD on the zones page: KES 200, free from KES 5,000, pay on delivery.
        sign_in(admin, platform, ADMIN_EMAIL, ADMIN_PASSWORD, "/admin/zones")
        new = admin.find_element(By.XPATH, "//form[.//button[normalize-space(.)='Add zone']]")
        new.find_element(By.XPATH, ".//label[starts-with(normalize-space(.), 'Name')]//input").send_keys("Nairobi CBD")
        new.find_element(By.XPATH, ".//label[starts-with(normalize-space(.), 'Fee')]//input").send_keys("200")
        new.find_element(By.XPATH, ".//label[starts-with(normalize-space(.), 'Free from')]//input").send_keys("5,000")
        new.find_element(By.XPATH, ".//label[normalize-space(.)='Pay on delivery']").click()
        new.find_element(By.XPATH, ".//button[normalize-space(.)='Add zone']").click()
        wait_text(admin, "Delivery zone added.")
        fits(admin, "console-zones")
        status, zones = platform.api("GET", "/delivery-zones")
        assert status == 200
        assert [(zone["name"], zone["fee"], zone["free_above"], zone["cash_on_delivery"]) for zone in zones["items"]] == [
            ("Nairobi CBD", 20000, 500000, True), ("Upcountry", 60000, None, False)]

        # A shopper with a product in the cart checks out on a phone.
        email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
        token = platform.register(email, "shopper password 1", "Wanjiku Kamau")
        status, page = platform.api("GET", "/products?in_stock=true&limit=1&sort=price")
        product = page["items"][0]
        assert platform.api("POST", "/cart/items", {"product_id": product["id"], "quantity": 1}, token=token)[0] in (200, 201)
        sign_in(shopper, platform, email, "shopper password 1", "/checkout")
        wait_text(shopper, "Delivery address")
        assert "KES 200.00" in shopper.find_element(By.TAG_NAME, "main").text
        fill(shopper, "Name", "Wanjiku Kamau")
        fill(shopper, "Address line 1", "Kenyatta Avenue 3")
        fill(shopper, "City", "Nairobi")
        choose(shopper, "Nairobi CBD")
        choose(shopper, "Cash on delivery")
        fits(shopper, "storefront-checkout-delivery")
        click_button(shopper, "Place order")
        wait_text(shopper, "Confirmed, pay on delivery")
        text = shopper.find_element(By.TAG_NAME, "main").text
        assert "Delivery: Nairobi CBD · KES 200.00" in text
        assert "Payment: Cash on delivery" in text
        total = product["price"] + 20000
        order_id = re.search(r"/account/orders/([0-9a-f-]{36})", shopper.current_url).group(1)
        status, order = platform.api("GET", f"/orders/{order_id}", token=token)
        assert order["status"] == "confirmed" and order["total"] == total and order["payment_method"] == "cash_on_delivery"
        fits(shopper, "storefront-order-pay-on-delivery")

        # The merchant records the cash on the order's console page.
        admin.get(platform.url + f"/admin/sales/{order_id}")
        wait_text(admin, "Pay on delivery")
        collect = admin.find_element(By.XPATH, "//form[.//button[normalize-space(.)='Collected']]")
        collect.find_element(By.XPATH, ".//label[normalize-space(.)='Cash']//input").click()
        collect.find_element(By.XPATH, ".//label[starts-with(normalize-space(.), 'Receipt')]//input").send_keys("CASH-0042")
        collect.find_element(By.XPATH, ".//button[normalize-space(.)='Collected']").click()
        wait_text(admin, "Payment recorded.")
        assert "Collected" not in [b.text for b in admin.find_elements(By.XPATH, "//main//button")]
        fits(admin, "console-order-collected")

        # The shopper's order page shows it paid, with its timeline.
        shopper.get(platform.url + f"/account/orders/{order_id}")
        wait_text(shopper, "Status: Paid")
        timeline = shopper.find_element(By.ID, "order-timeline").text
        assert "Confirmed, pay on delivery by you" in timeline and "Paid by the shop" in timeline
        status, steps = platform.api("GET", f"/orders/{order_id}/timeline", token=token)
        assert [(step["from"], step["to"], step["actor"]) for step in steps["items"]] == [
            (None, "confirmed", "customer"), ("confirmed", "paid", "admin")]

        # Upcountry does not take payment on delivery: the checkout says so.
        assert platform.api("POST", "/cart/items", {"product_id": product["id"], "quantity": 1}, token=token)[0] in (200, 201)
        shopper.get(platform.url + "/checkout")
        wait_text(shopper, "Delivery address")
        fill(shopper, "Address line 1", "Kenyatta Avenue 3")
        fill(shopper, "City", "Nakuru")
        choose(shopper, "Upcountry")
        choose(shopper, "M-Pesa on delivery")
        click_button(shopper, "Place order")
        wait_text(shopper, "is not taken for this delivery zone")
    finally:
        admin.quit()
        shopper.quit()

"""A shopper on a phone (360 px) in real headless Chromium: through the generated nginx gateway,
browses, filters a category, searches, adds to cart as a guest, registers at checkout (the guest
cart merges), pays with M-Pesa (the sandbox's test number) until the order page says paid, and
signs out; a failed M-Pesa payment is retried; by card (the sandbox's test cards, on the host
directly) a payment succeeds, and a declined card shows Stripe's message. Product names are text,
and pages fit 360 and 1280 px."""

import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import new_driver, screenshot
from pages import click_button, fill, field, has, link, wait_path, wait_text


def add_nokia_to_cart(driver, base, quantity="1"):
    driver.get(base + "/")
    search = field(driver, "Search")
    search.send_keys("Nokia", Keys.ENTER)
    wait_text(driver, "Results for")
    driver.find_element(By.XPATH, "//main//a[contains(., 'Nokia 105')]").click()
    wait_text(driver, "In stock")
    fill(driver, "Quantity", quantity)
    click_button(driver, "Add to cart")
    wait_path(driver, "/basket")
    wait_text(driver, "Nokia 105 Feature Phone")


def checkout(driver):
    link(driver, "Checkout").click()
    wait_text(driver, "Delivery address")
    fill(driver, "Name", "Achieng Otieno")
    fill(driver, "Address line 1", "Moi Avenue 12")
    fill(driver, "City", "Nairobi")
    click_button(driver, "Place order")
    wait_path(driver, "/pay")
    wait_text(driver, "Pay for your order")


def test_guest_buys_with_mpesa_through_the_gateway(platform, driver):
    driver.get(platform.url + "/")
    assert "Featured products" in driver.page_source
    screenshot(driver, "storefront-home-360")

    # A category page with its filter form.
    driver.find_element(By.XPATH, "//main//a[normalize-space(.)='Electronics']").click()
    wait_text(driver, "Sort by")
    driver.find_element(By.XPATH, "//main//a[normalize-space(.)='Phones & Tablets']").click()
    wait_path(driver, "/c/phones-tablets")
    fill(driver, "Maximum price (KES)", "3000")
    click_button(driver, "Filter")
    wait_text(driver, "Nokia 105")
    assert "Samsung Galaxy A15" not in driver.find_element(By.TAG_NAME, "main").text

    # Guest: search, product page, add to cart.
    add_nokia_to_cart(driver, platform.url, quantity="2")
    screenshot(driver, "storefront-cart-360")

    # Checkout offers guest checkout or signing in; the shopper registers instead and comes back.
    link(driver, "Checkout").click()
    wait_text(driver, "check out as a guest")
    driver.find_element(By.XPATH, "//main//a[normalize-space(.)='Sign in']").click()
    wait_path(driver, "/signin")
    driver.find_element(By.XPATH, "//main//a[normalize-space(.)='Register']").click()
    wait_path(driver, "/register")
    email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
    fill(driver, "Name", "Achieng Otieno")
    fill(driver, "Email", email)
    fill(driver, "Password", "a long enough password")
    click_button(driver, "Register")
    wait_path(driver, "/checkout")
    wait_text(driver, "2 item(s)")  # the guest cart was merged at sign-in
    fill(driver, "Address line 1", "Moi Avenue 12")
    fill(driver, "City", "Nairobi")
    click_button(driver, "Place order")
    wait_path(driver, "/pay")

    # M-Pesa: the test number pays; the waiting page follows the order until it is paid.
    fill(driver, "M-Pesa phone number", "254708374149")
    click_button(driver, "Pay with M-Pesa")
    wait_text(driver, "Check your phone")
    screenshot(driver, "storefront-mpesa-wait-360")
    wait_text(driver, "Status: Paid", timeout=30)
    assert "Thank you" in driver.page_source
    screenshot(driver, "storefront-paid-360")

    # My orders lists it as paid.
    link(driver, "My orders").click()
    wait_text(driver, "Paid")

    # Sign out.
    click_button(driver, "Sign out", within="//header")
    wait_text(driver, "You are signed out.")
    assert has(driver, "//header//a[normalize-space(.)='Sign in']")


def register(driver, base, name):
    driver.get(base + "/register")
    fill(driver, "Name", name)
    fill(driver, "Email", f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com")
    fill(driver, "Password", "a long enough password")
    click_button(driver, "Register")
    wait_text(driver, "Welcome")


def test_card_payment_then_a_declined_card(platform, driver):
    # Direct to the host, as `scripts/run.sh` serves it: the card page's script confirms on the
    # sandbox's Stripe API at /_sandbox/stripe, which the gateway (rightly) never routes.
    base = platform.direct
    register(driver, base, "Wanjiku")
    add_nokia_to_cart(driver, base)
    checkout(driver)
    click_button(driver, "Pay by card")
    wait_text(driver, "Test card (sandbox)")
    screenshot(driver, "storefront-card-360")
    click_button(driver, "Pay by card")
    wait_text(driver, "Status: Paid", timeout=30)

    # Second order: a declined card shows Stripe's message and leaves the order unpaid.
    add_nokia_to_cart(driver, base)
    checkout(driver)
    click_button(driver, "Pay by card")
    wait_text(driver, "Test card (sandbox)")
    driver.find_element(By.XPATH, "//label[contains(., '0000 0000 0002')]//input").click()
    click_button(driver, "Pay by card")
    wait_text(driver, "Your card was declined.")
    screenshot(driver, "storefront-card-declined-360")
    assert has(driver, "//*[@role='alert' and contains(., 'declined')]")
    # The shopper picks the good card on the same page and pays.
    driver.find_element(By.XPATH, "//label[contains(., '4242 4242')]//input").click()
    click_button(driver, "Pay by card")
    wait_text(driver, "Status: Paid", timeout=30)


def test_failed_mpesa_payment_offers_a_retry(platform, driver):
    register(driver, platform.url, "Kamau")
    add_nokia_to_cart(driver, platform.url)
    checkout(driver)
    fill(driver, "M-Pesa phone number", "254700000001")  # the sandbox: cancelled by the user
    click_button(driver, "Pay with M-Pesa")
    wait_text(driver, "did not go through", timeout=30)
    link(driver, "Try again").click()
    wait_text(driver, "Pay for your order")
    fill(driver, "M-Pesa phone number", "254708374149")
    click_button(driver, "Pay with M-Pesa")
    wait_text(driver, "Status: Paid", timeout=30)


def test_product_names_are_text_and_pages_fit_a_phone(platform):
    admin = platform.admin_token()
    status, categories = platform.api("GET", "/categories")
    assert status == 200
    category = categories["categories"][0]["id"]
    status, product = platform.api("POST", "/products", {
        "sku": "XSS-" + uuid.uuid4().hex[:6], "name": "<script>alert(1)</script>", "description": "escaping",
        "price": 10000, "currency": "KES", "category_id": category, "on_hand": 3}, token=admin)
    assert status == 201, product
    for width in (360, 1280):
        browser = new_driver(width)
        try:
            browser.get(platform.url + "/p/" + product["id"])
            wait_text(browser, "<script>alert(1)</script>")  # shown as text
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width
            assert not browser.get_log("browser") or all("alert" not in entry["message"] for entry in browser.get_log("browser"))
            screenshot(browser, f"storefront-escaped-product-{width}")
            browser.get(platform.url + "/")
            wait_text(browser, "Featured products")
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width
            screenshot(browser, f"storefront-escaped-home-{width}")
        finally:
            browser.quit()

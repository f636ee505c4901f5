"""Guest checkout in real headless Chromium through the generated nginx gateway: a shopper who
never signs in adds to the cart, checks out with an email and phone, lands on the order's
access-link page, pays with M-Pesa (the sandbox's test number) until the page says paid; then the
link from the order confirmation the platform really mailed (the .eml in $SOKO_DATA/mail) opens
the same order, paid, in another browser — at 360 and 1280 px. Another guest pays by card from
the order page (the sandbox's test cards: a declined one, then one that succeeds) until it is paid."""

import email
import email.policy
import glob
import os
import re
import urllib.parse
import uuid

from selenium.webdriver.common.by import By

from harness import new_driver, poll, screenshot
from pages import click_button, fill, main_text, wait_path, wait_text
from test_storefront import add_nokia_to_cart


def mailed_order_link(platform, recipient):
    """The order-access link in the newest mail to `recipient` (polling the mail folder with a deadline)."""
    folder = os.path.join(platform.folder, "data", "mail")

    def find():
        for name in sorted(glob.glob(os.path.join(folder, "**", "*.eml"), recursive=True), key=os.path.getmtime, reverse=True):
            with open(name, "rb") as handle:
                mail = email.message_from_binary_file(handle, policy=email.policy.default)
            if recipient not in str(mail["To"]):
                continue
            text = mail.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"https?://\S+/orders/access/[A-Za-z0-9_-]{43}", text)
            if found:
                return found.group(0)
        return None

    url = poll(find, timeout=30)
    assert url, f"no order-access link mailed to {recipient} in {folder}"
    return url


def test_a_guest_buys_pays_and_opens_the_mailed_link(platform, driver):
    add_nokia_to_cart(driver, platform.url)
    driver.find_element(By.XPATH, "//a[normalize-space(.)='Checkout']").click()
    wait_path(driver, "/checkout")
    wait_text(driver, "check out as a guest")
    address = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    fill(driver, "Email", address)
    fill(driver, "Phone", "0708 374 149")
    fill(driver, "Name", "Atieno Guest")
    fill(driver, "Address line 1", "Kenyatta Avenue 3")
    fill(driver, "City", "Kisumu")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    screenshot(driver, "guest-checkout-360")
    click_button(driver, "Place order")
    wait_path(driver, "/orders/access/")
    wait_text(driver, "Status: Awaiting payment")
    assert "We emailed you a link" in main_text(driver)
    screenshot(driver, "guest-order-unpaid-360")

    fill(driver, "M-Pesa phone number", "254708374149")
    click_button(driver, "Pay with M-Pesa")
    wait_text(driver, "A prompt is on its way")

    def paid():
        driver.refresh()
        return "Status: Paid" in main_text(driver)

    assert poll(paid, timeout=30), main_text(driver)
    assert "Thank you" in main_text(driver)
    screenshot(driver, "guest-order-paid-360")

    # The confirmation's link (built on SOKO_PUBLIC_URL, the host) opens the order through the gateway.
    url = mailed_order_link(platform, address)
    path = urllib.parse.urlsplit(url).path
    for width in (1280, 360):
        browser = new_driver(width)
        try:
            browser.get(platform.url + path)
            wait_text(browser, "Status: Paid")
            assert "Nokia 105" in main_text(browser)
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width
            screenshot(browser, f"guest-mailed-link-{width}")
        finally:
            browser.quit()
    # A link with another token is not found.
    driver.get(platform.url + "/orders/access/" + "A" * 43)
    wait_text(driver, "Not found")


def test_a_guest_pays_by_card_from_the_order_page(platform, driver):
    # Direct to the host, as in test_storefront's card test: the sandbox's Stripe API, where the
    # page's script confirms the card, is not routed by the gateway.
    base = platform.direct
    add_nokia_to_cart(driver, base)
    driver.find_element(By.XPATH, "//a[normalize-space(.)='Checkout']").click()
    wait_path(driver, "/checkout")
    fill(driver, "Email", f"card-guest-{uuid.uuid4().hex[:8]}@example.com")
    fill(driver, "Name", "Wairimu Guest")
    fill(driver, "Address line 1", "Tom Mboya Street 9")
    fill(driver, "City", "Nairobi")
    click_button(driver, "Place order")
    wait_path(driver, "/orders/access/")
    order_page = driver.current_url.split("?")[0]
    wait_text(driver, "Status: Awaiting payment")
    click_button(driver, "Pay by card")
    wait_path(driver, "/card")
    wait_text(driver, "Test card (sandbox)")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    screenshot(driver, "guest-card-360")
    wide = new_driver(1280)
    try:
        wide.get(order_page + "/card")  # the same pending payment, resumed
        wait_text(wide, "Test card (sandbox)")
        screenshot(wide, "guest-card-1280")
    finally:
        wide.quit()
    # A declined card shows Stripe's message and stays on the form; the good card pays.
    driver.find_element(By.XPATH, "//label[contains(., '0000 0000 0002')]//input").click()
    click_button(driver, "Pay by card")
    wait_text(driver, "Your card was declined.")
    driver.find_element(By.XPATH, "//label[contains(., '4242 4242')]//input").click()
    click_button(driver, "Pay by card")
    wait_path(driver, "?card=1")

    def paid():
        driver.get(order_page)
        return "Status: Paid" in main_text(driver)

    assert poll(paid, timeout=30), main_text(driver)
    screenshot(driver, "guest-card-paid-360")
    wide = new_driver(1280)
    try:
        wide.get(order_page)
        wait_text(wide, "Status: Paid")
        assert wide.execute_script("return document.documentElement.scrollWidth") <= 1280
        screenshot(wide, "guest-card-paid-1280")
    finally:
        wide.quit()

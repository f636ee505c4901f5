"""Account recovery in real headless Chromium through the generated nginx gateway: a shopper who
forgot the password asks for a link on the sign-in page, the link is read from the mail the
platform really wrote (`soko serve` without SMTP writes `.eml` files to $SOKO_DATA/mail, parsed
here with Python's `email` package), the new password is set on the linked page and signing in
with it works; the verification mail's link verifies the email with a button press."""

import email
import email.policy
import glob
import os
import re
import urllib.parse
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from harness import poll
from pages import click_button, fill, link, wait_path, wait_text


def mailed_link(platform, recipient, path):
    """The link to `path` in the newest mail to `recipient` (polling the mail folder with a deadline)."""
    folder = os.path.join(platform.folder, "data", "mail")

    def find():
        for name in sorted(glob.glob(os.path.join(folder, "**", "*.eml"), recursive=True), key=os.path.getmtime, reverse=True):
            with open(name, "rb") as handle:
                mail = email.message_from_binary_file(handle, policy=email.policy.default)
            if recipient not in str(mail["To"]):
                continue
            text = mail.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"https?://\S+" + re.escape(path) + r"\?token=[A-Za-z0-9_-]+", text)
            if found:
                return found.group(0)
        return None

    url = poll(find, timeout=30)
    assert url, f"no mail to {recipient} linking to {path} in {folder}: {os.listdir(folder) if os.path.isdir(folder) else 'no folder'}"
    return url


def through_gateway(platform, url):
    """The mailed URL (SOKO_PUBLIC_URL is the host here) opened through the gateway instead."""
    parts = urllib.parse.urlsplit(url)
    return platform.url + parts.path + "?" + parts.query


def test_a_forgotten_password_is_reset_from_the_mailed_link(platform, driver):
    address = f"njeri-{uuid.uuid4().hex[:8]}@example.com"
    platform.register(address, "the old password 1", "Njeri")

    driver.get(platform.url + "/signin")
    link(driver, "Forgot your password?").click()
    wait_path(driver, "/account/forgot-password")
    fill(driver, "Email", address)
    click_button(driver, "Send the link")
    wait_text(driver, "If an account uses that email")

    driver.get(through_gateway(platform, mailed_link(platform, address, "/account/reset-password")))
    wait_text(driver, "Choose a new password")
    fill(driver, "Password", "the new password 2")
    click_button(driver, "Set new password")
    wait_text(driver, "Password changed")

    link(driver, "Sign in", within="//main/").click()
    wait_path(driver, "/signin")
    fill(driver, "Email", address)
    fill(driver, "Password", "the new password 2")
    click_button(driver, "Sign in")
    WebDriverWait(driver, 20, poll_frequency=0.2).until(
        EC.text_to_be_present_in_element((By.TAG_NAME, "header"), "Sign out"))
    # The old password no longer works.
    status, _ = platform.api("POST", "/auth/login", {"email": address, "password": "the old password 1"})
    assert status == 401


def test_the_verification_link_verifies_with_a_button(platform, driver):
    address = f"otieno-{uuid.uuid4().hex[:8]}@example.com"
    token = platform.register(address, "a password for otieno", "Otieno")
    driver.get(through_gateway(platform, mailed_link(platform, address, "/account/verify-email")))
    wait_text(driver, "Verify your email")
    assert platform.api("GET", "/users/me", token=token)[1]["email_verified"] is False, "opening the link changes nothing"
    click_button(driver, "Verify email")
    wait_text(driver, "Email verified")
    assert platform.api("GET", "/users/me", token=token)[1]["email_verified"] is True

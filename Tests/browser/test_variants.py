"""A shopper on a phone (360 px) and a desktop (1280 px) in real headless Chromium, through the
generated nginx gateway: opens the demo's Akala Tyre Sandals (sold in sizes), sees size 44 marked
out of stock, chooses size 42 in the plain form's select, adds it, and sees "Size: 42" on the
basket line; the pages fit the screen."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import new_driver, screenshot
from pages import click_button, field, wait_path, wait_text


def open_sandals(driver, base):
    driver.get(base + "/")
    field(driver, "Search").send_keys("Akala", Keys.ENTER)
    wait_text(driver, "Results for")
    driver.find_element(By.XPATH, "//main//a[contains(., 'Akala Tyre Sandals')]").click()
    wait_text(driver, "Size: 44")


def test_a_shopper_chooses_a_size_and_sees_it_in_the_basket(platform):
    for width in (360, 1280):
        driver = new_driver(width)
        try:
            open_sandals(driver, platform.url)
            size = Select(field(driver, "Size"))
            labels = {option.get_attribute("value"): option for option in size.options}
            assert set(labels) == {"40", "42", "44"}
            assert labels["44"].get_attribute("disabled") is not None and "out of stock" in labels["44"].text
            assert labels["42"].get_attribute("disabled") is None
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
            screenshot(driver, f"variants-product-{width}")

            size.select_by_value("42")
            click_button(driver, "Add to cart")
            wait_path(driver, "/basket")
            wait_text(driver, "Size: 42")
            line = driver.find_element(By.XPATH, "//main//li[contains(., 'Akala Tyre Sandals')]")
            assert "Size: 42" in line.text and "KES 800.00" in line.text
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
            screenshot(driver, f"variants-basket-{width}")
        finally:
            driver.quit()

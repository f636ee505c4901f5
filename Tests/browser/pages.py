"""Finding things the way a shopper (and a screen reader) does: by their accessible names."""

from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20


def field(driver, label):
    """The input whose <label> reads `label` exactly."""
    element = driver.find_element(By.XPATH, f"//label[normalize-space(.)='{label}']")
    target = element.get_attribute("for")
    if target:
        return driver.find_element(By.ID, target)
    return element.find_element(By.XPATH, ".//input|.//select")


def fill(driver, label, text):
    element = field(driver, label)
    element.clear()
    element.send_keys(text)


def button(driver, name, within="//main"):
    return driver.find_element(By.XPATH, f"{within}//button[normalize-space(.)='{name}']")


def link(driver, name, within="//"):
    return driver.find_element(By.XPATH, f"{within}/a[normalize-space(.)='{name}']" if within != "//" else f"//a[normalize-space(.)='{name}']")


def click_button(driver, name, within="//main"):
    button(driver, name, within).click()


def wait_text(driver, text, timeout=TIMEOUT):
    """Polls the page (WebDriverWait, no sleeps) until `text` shows in <main>."""
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: text in main_text(d))


def main_text(driver):
    """The text of <main>, or "" while the page is being replaced (the driver may then answer with any
    error, e.g. "unhandled inspector error: cannot find context", not only a stale element)."""
    try:
        return driver.find_element(By.TAG_NAME, "main").text
    except WebDriverException:
        return ""


def wait_path(driver, fragment, timeout=TIMEOUT):
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(EC.url_contains(fragment))


def has(driver, xpath):
    try:
        driver.find_element(By.XPATH, xpath)
        return True
    except NoSuchElementException:
        return False

"""Picking an option in a searchable select (Tom Select) as a person does."""

import re

from playwright.sync_api import expect


def choose_unit(page, typed: str, label: str | re.Pattern, field: str = "unit") -> None:
    """Open the select of form field ``field``, type ``typed`` in its box, click the first option
    whose text starts with ``label`` (a string) or matches it (a pattern), and check that the pick
    shows and the list has closed. Each step is waited for: a busy machine takes a moment."""
    wrapper = page.locator(f"#id_{field} + .ts-wrapper")
    wrapper.locator(".ts-control").click()
    expect(wrapper.locator(".ts-dropdown")).to_be_visible()
    box = wrapper.locator(".ts-control input")
    box.press_sequentially(typed)
    expect(box).to_have_value(typed)
    text = label if isinstance(label, re.Pattern) else re.compile(f"^{re.escape(label)}")
    wrapper.locator(".ts-dropdown .option", has_text=text).first.click()
    expect(wrapper.locator(".ts-control .item")).to_have_text(text)
    expect(wrapper.locator(".ts-dropdown")).to_be_hidden()

"""The first minute (issue 14, item 6) in JupyterLab: the empty state with three example
requests, the disabled Export button's reason, text contrast of WCAG AA (4.5:1) measured in the
light, dark and high-contrast themes, and a layout without horizontal overflow from 560 px."""

from __future__ import annotations

import json

import pytest

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS, STUDIO_CELL, by_id, studio

pytestmark = pytest.mark.browser

THEMES = ["JupyterLab Light", "JupyterLab Dark", "JupyterLab Dark High Contrast"]

# WCAG 2.1 contrast of an element's text against what is behind it: the background colours of
# the element and its ancestors composited (alpha) until one is opaque, white under all.
_CONTRAST = """(el) => {
  const ctx = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
  const rgba = (css) => {  // any CSS colour (rgb, color(srgb ...), color-mix) via a canvas
    ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]))
    .concat([1]);
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(rgba(getComputedStyle(el).color), bg);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""

MEASURED = {
    "user bubble": "[data-testid=nemo-message][data-role=user]",
    "assistant bubble": "[data-testid=nemo-message][data-role=assistant]",
    "export hint": "[data-testid=nemo-export-hint]",
    "message box": "[data-testid=nemo-input]",
}


def set_theme(page, theme: str) -> None:
    page.evaluate(
        f"window.jupyterapp.commands.execute('apputils:change-theme', {{theme: {theme!r}}})"
    )
    page.wait_for_function(f"() => document.body.dataset.jpThemeName === {theme!r}", timeout=30_000)
    page.wait_for_timeout(500)  # the theme's stylesheet applies


def no_overflow(page) -> bool:
    return page.evaluate(
        """() => { const s = document.querySelector('.nemo-studio');
                   return [s, ...s.querySelectorAll('*')].every(
                     (n) => n.scrollWidth <= n.clientWidth + 1
                            || getComputedStyle(n).overflowX !== 'visible'); }"""
    )


def test_the_first_minute(jupyter, page):
    notebook = jupyter.write_notebook("first-minute.ipynb", STUDIO_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    by_id(page, "nemo-input").wait_for(timeout=90_000)

    examples = by_id(page, "nemo-example")
    assert examples.count() == 3
    assert all(text.isascii() for text in examples.all_inner_texts())  # English here
    export = by_id(page, "nemo-export")
    assert export.is_disabled()
    reason = export.get_attribute("title")
    assert reason and "photos" in reason
    hint = export.get_attribute("aria-describedby")
    assert page.locator(f"#{hint}").inner_text() == reason
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / "studio-empty.png"))

    examples.first.click()
    example = examples.first.inner_text()
    assert by_id(page, "nemo-input").input_value() == example
    by_id(page, "nemo-send").click()
    by_id(page, "nemo-message").and_(page.locator("[data-role=assistant]")).first.wait_for(
        timeout=60_000
    )
    by_id(page, "nemo-stop").wait_for(state="detached", timeout=60_000)
    assert by_id(page, "nemo-empty").is_hidden()

    ratios = {}
    for theme in THEMES:
        set_theme(page, theme)
        for name, selector in MEASURED.items():
            element = studio(page).locator(selector).first
            ratios[f"{theme}: {name}"] = round(element.evaluate(_CONTRAST), 2)
        slug = theme.split()[-1].lower() if theme != THEMES[-1] else "high-contrast"
        studio(page).screenshot(path=str(SCREENSHOTS / f"studio-chat-{slug}.png"))
    (SCREENSHOTS / "contrast.json").write_text(json.dumps(ratios, indent=1))
    low = {name: ratio for name, ratio in ratios.items() if ratio < 4.5}
    assert not low, f"text below WCAG AA 4.5:1: {low} (all: {ratios})"
    set_theme(page, THEMES[0])

    for width in (560, 1200):
        page.evaluate(
            f"document.querySelector('.nemo-studio').parentElement.style.width = '{width}px'"
        )
        page.wait_for_timeout(300)
        assert no_overflow(page), f"something overflows sideways at {width} px"
        for part in ("nemo-input", "nemo-send", "nemo-export", "nemo-timeline"):
            box = by_id(page, part).bounding_box()
            outer = studio(page).bounding_box()
            assert box and box["x"] + box["width"] <= outer["x"] + outer["width"] + 1, part
    studio(page).screenshot(path=str(SCREENSHOTS / "studio-560.png"))


def test_the_examples_speak_chinese_in_a_chinese_browser(chromium, jupyter):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        notebook = jupyter.write_notebook("first-minute-zh.ipynb", STUDIO_CELL)
        open_and_run(page, jupyter, notebook, "lab")
        by_id(page, "nemo-example").first.wait_for(timeout=90_000)
        texts = by_id(page, "nemo-example").all_inner_texts()
        assert len(texts) == 3 and all(not text.isascii() for text in texts)
    finally:
        context.close()
        jupyter.shutdown_kernels()

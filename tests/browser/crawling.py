"""Crawling a deployment as a phone in Chinese sees it: Chromium follows each same-site link from
a start page and reports a page that answers with an error, scrolls sideways (at 390 px, then
again at 1280 px), or shows an English word outside the allow-list (names, codes in ``<code>``,
units and acronyms)."""

import re
from urllib.parse import urljoin, urlparse

from puhui.devtools.management.commands.demo import DEMO_USERS

# Words a Chinese page may show: proper names of the demo data, units, acronyms, the brand.
# What people wrote themselves (a campaign's story, a reward's title) is marked
# data-user-text and stays in the language they wrote it in.
ALLOWED = {"puhui", "CNY", "XIRR", "PSI", "CSV", "API", "APR", "PDF", "PNG", "JPEG", "USCC",
           "TOTP", "SHA", "sha", "UTC",
           "KYC", "KYB", "AUC", "Gini", "Brier", "LightGBM", "TreeSHAP", "SBA", "OpenAPI"}
# not pages: signing out, switching language, the API, files, exports; a notice opened is read
SKIP = ("/logout/", "/i18n/", "/api/", "/static/", "format=csv", "/registry/", "/contract/")
NOTICE_OPENED = re.compile(r"/notifications/\d+/")
MAX_PAGES = 40

VISIBLE_TEXT = """() => {
  const skip = 'code, script, style, [data-allow-english], [data-user-text], .brand, '
    + '[data-testid=who], '
    + '[data-testid=language-form], svg, option:not(:checked)';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(skip)) parts.push(node.textContent);
  }
  return parts.join(' ');
}"""


def _english(text: str, names: set[str]) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text)
    return sorted({w for w in words if w not in ALLOWED and w.lower() not in names})


def _crawl(page, server: str, start: str, names: set[str], visited: list[str],
           skip: tuple[str, ...]) -> dict[str, list[str]]:
    """Pages from ``start`` by their links, breadth first; each page's problems by path, and
    the paths visited appended to ``visited``."""
    problems: dict[str, list[str]] = {}
    queue, seen = [start], set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlparse(url).path + (f"?{urlparse(url).query}" if urlparse(url).query else "")
        if path in seen:
            continue
        seen.add(path)
        visited.append(path)
        response = page.goto(url)
        found = []
        if response is None or response.status >= 400:
            found.append(f"answered {response.status if response else 'nothing'}")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            found.append("scrolls sideways at 390 px")
        english = _english(page.evaluate(VISIBLE_TEXT), names)
        if english:
            found.append("English: " + ", ".join(english[:25]))
        if found:
            problems[path] = found
        for href in page.eval_on_selector_all("a[href]:not([download])",
                                              "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href)
            if urlparse(target).netloc == urlparse(server).netloc and not any(
                    part in target for part in skip) and "#" not in href \
                    and not NOTICE_OPENED.search(target):
                queue.append(target)
    return problems


def _names() -> set[str]:
    """The demo's proper names and user names, which stay as they are in any language."""
    from puhui.devtools import demo_campaigns
    from puhui.devtools.management.commands import demo

    names = {username.lower() for _key, username, _password, _role in DEMO_USERS}
    free_text = [value for record in (demo.DEMO_ENTERPRISE, demo.DEMO_INVESTOR)
                 for value in record.values() if isinstance(value, str)]
    for text in (*free_text, "Longjing Tea Cooperative", "A tea-rolling machine",
                 "Tea for the spring season", "demo data", demo.DEMO_PRODUCT.get("name_en", ""),
                 demo_campaigns.ROOF, *demo_campaigns.TITLES.values()):
        names |= {word.lower() for word in re.findall(r"[A-Za-z'’-]+", text)}
    return names | {part for name in list(names) for part in name.split("-")}


def pages_in_chinese(page, server: str, start: str, *, skip: tuple[str, ...] = SKIP,
                     names: set[str] = frozenset()) -> tuple[list[str], dict[str, list[str]]]:
    """The paths crawled from ``start`` and each one's problems, at 390 px then 1280 px (the
    page's context must be zh-CN at 390 px wide)."""
    visited: list[str] = []
    problems = _crawl(page, server, start, _names() | names, visited, skip)
    page.set_viewport_size({"width": 1280, "height": 844})  # the desktop: layout only
    for path in visited:
        page.goto(f"{server}{path}")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            problems.setdefault(path, []).append("scrolls sideways at 1280 px")
    return visited, problems


def problems_told(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {'; '.join(found)}" for path, found in sorted(problems.items()))


def english_on(page, names: set[str] = frozenset()) -> list[str]:
    """The English words the current page shows outside the allow-list and the demo's names."""
    return _english(page.evaluate(VISIBLE_TEXT), _names() | names)

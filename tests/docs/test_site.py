"""The documentation site `./noar docs` builds, as a reader's browser shows it (headless Chromium).

Every plugin and role of the collection has a page that renders with its options table; no link
between the site's pages is broken; the container module's page is kept as a screenshot
(.build/docs/container_module.png), an artefact for people to look at.
"""

import html.parser
import pathlib
import shutil
import subprocess
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / ".build" / "docs" / "html"
PLUGIN_FOLDERS = {"module": "modules", "connection": "connection", "inventory": "inventory", "filter": "filter"}


def pages():
    """(page file, FQCN) for every plugin and role the collection ships."""
    found = []
    for kind, folder in PLUGIN_FOLDERS.items():
        for source in sorted((ROOT / "plugins" / folder).glob("*.py")):
            if source.stem != "__init__":
                found.append(("{0}_{1}.html".format(source.stem, kind), "noar.docker." + source.stem))
    for spec in sorted(ROOT.glob("roles/*/meta/argument_specs.yml")):
        role = spec.parent.parent.name
        found.append(("{0}_role.html".format(role), "noar.docker." + role))
    return found


def chromium(*args):
    browser = shutil.which("chromium")
    assert browser, "Debian's chromium is not installed (./noar docs installs it)"
    # As root, Chromium runs only without its sandbox.
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


class Page(html.parser.HTMLParser):
    """What a page holds that the tests read: element ids, links, tables' classes, the title."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.tables = set(), [], []
        self.title, self._in_h1 = "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "table":
            self.tables.append(attrs.get("class") or "")
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.title += data


# Plugins that take no options (as their community.docker namesakes): their page has no option anchors.
WITHOUT_OPTIONS = {"noar.docker.current_container_facts"}


def parsed(text):
    page = Page()
    page.feed(text)
    return page


@pytest.fixture(scope="module")
def site():
    assert (SITE / "index.html").is_file(), "no site at {0}: run ./noar docs".format(SITE)
    return SITE


@pytest.mark.parametrize("name,fqcn", pages(), ids=[page[1] for page in pages()])
def test_page_renders_with_its_options(site, name, fqcn):
    assert (site / name).is_file(), "{0} has no page ({1})".format(fqcn, name)
    # --dump-dom: the document after the browser has run the page's scripts and styles.
    page = parsed(chromium("--dump-dom", (site / name).as_uri()))
    assert fqcn in page.title
    assert any("ansible-option-table" in classes for classes in page.tables), "{0}: no options table".format(name)
    anchored = any(anchor.startswith(("parameter-", "option-")) for anchor in page.ids)
    assert anchored != (fqcn in WITHOUT_OPTIONS), "{0}: option anchors do not match WITHOUT_OPTIONS".format(name)


def test_index_lists_every_page(site):
    index = parsed((site / "index.html").read_text())
    linked = {urllib.parse.urlsplit(href).path for href in index.links}
    assert {page[0] for page in pages()} <= linked


def test_no_internal_link_is_broken(site):
    documents = {path: parsed(path.read_text()) for path in site.rglob("*.html")}
    broken = []
    for path, page in documents.items():
        for href in page.links:
            parts = urllib.parse.urlsplit(href)
            if parts.scheme or parts.netloc:
                continue  # outside the site
            target = (path.parent / parts.path).resolve() if parts.path else path
            if target not in documents and not target.is_file():
                broken.append("{0}: {1}".format(path.name, href))
            elif parts.fragment and target in documents and parts.fragment not in documents[target].ids:
                broken.append("{0}: {1} (no such anchor)".format(path.name, href))
    assert not broken, "\n".join(broken)


def test_screenshot_of_the_container_module(site):
    shot = site.parent / "container_module.png"
    shot.unlink(missing_ok=True)
    chromium("--window-size=1280,1600", "--screenshot={0}".format(shot), (site / "container_module.html").as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20000, "the screenshot looks blank"

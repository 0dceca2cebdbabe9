"""Great Expectations' Data Docs, made to render offline.

GX 1.24.1 writes pages that load bootstrap, jquery, bootstrap-table, font-awesome and vega from
CDNs: offline the index is blank (bootstrap-table draws its list) and result pages are unstyled.
After GX builds the site, the pinned copies in `data_docs_assets/` (README there: versions, sha256,
licences) go into the site's `static/vendor/`, and every page's CDN links point at them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).with_name("data_docs_assets")
VENDOR = Path("static") / "vendor"
CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
JSDELIVR = "https://cdn.jsdelivr.net/npm"
TABLE = "https://unpkg.com/bootstrap-table"
BOOTSTRAP = "bootstrap@4.3.1/dist"
FILTER_CONTROL = "dist/extensions/filter-control/bootstrap-table-filter-control"
# Each CDN address the pages use, and the vendored file that replaces it.
VENDORED = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": f"{BOOTSTRAP}/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": f"{BOOTSTRAP}/js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
    f"{CDNJS}/popper.js/1.12.9/umd/popper.min.js": "popper.js@1.12.9/dist/umd/popper.min.js",
    f"{TABLE}@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table@1.19.1/dist/bootstrap-table.min.css",
    f"{TABLE}@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
    f"{TABLE}@1.19.1/{FILTER_CONTROL}.min.js": f"bootstrap-table@1.19.1/{FILTER_CONTROL}.min.js",
    f"{TABLE}@1.19.0/{FILTER_CONTROL}.css": f"bootstrap-table@1.19.0/{FILTER_CONTROL}.min.css",
    f"{TABLE}@1.19.0/{FILTER_CONTROL}.min.css": f"bootstrap-table@1.19.0/{FILTER_CONTROL}.min.css",
    f"{CDNJS}/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker@1.9.0/dist/css/bootstrap-datepicker.min.css"
    ),
    f"{CDNJS}/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker@1.9.0/dist/js/bootstrap-datepicker.min.js"
    ),
    f"{JSDELIVR}/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.min.css"
    ),
    f"{CDNJS}/font-awesome/6.6.0/css/all.min.css": "fontawesome-free@6.6.0/css/all.min.css",
    f"{JSDELIVR}/vega@5": "vega@5.33.1/build/vega.min.js",
    f"{JSDELIVR}/vega-lite@5": "vega-lite@5.23.0/build/vega-lite.min.js",
    f"{JSDELIVR}/vega-embed@6": "vega-embed@6.29.0/build/vega-embed.min.js",
}
# The logo comes from S3 with a cache-busting query; GX writes the same image into the site.
GX_LOGO = re.compile(r"https://great-expectations-web-assets\.s3[^\"']*/logo-long\.png[^\"']*")
LOCAL_LOGO = "static/images/logo-long.png"
LINK = re.compile(r"""(?P<attr>\b(?:src|href)=)(?P<quote>["'])(?P<url>https://[^"']+)(?P=quote)""")


def offline_page(html: str, to_site: str) -> str:
    """`html` with each vendored CDN link replaced by its copy; `to_site` leads from the page's folder
    to the site's root ("", "../../", ...). Links to pages on the web (GX's site) stay."""

    def local(match: re.Match[str]) -> str:
        url = match["url"]
        if url in VENDORED:
            url = f"{to_site}{VENDOR.as_posix()}/{VENDORED[url]}"
        elif GX_LOGO.fullmatch(url):
            url = f"{to_site}{LOCAL_LOGO}"
        return f"{match['attr']}{match['quote']}{url}{match['quote']}"

    return LINK.sub(local, html)


def make_offline(site: Path) -> int:
    """Vendor the assets into the Data Docs site at `site` and rewrite its pages; returns the pages rewritten."""
    shutil.copytree(ASSETS, site / VENDOR, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        depth = os.path.relpath(site, page.parent)
        to_site = "" if depth == "." else Path(depth).as_posix() + "/"
        page.write_text(offline_page(page.read_text(encoding="utf-8"), to_site), encoding="utf-8")
    return len(pages)

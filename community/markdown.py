"""Markdown for posts: rendered once on save, then sanitised (SECURITY.md).

markdown-it-py with raw HTML off renders the text; nh3 keeps only an allow-list of
tags, only http/https/mailto (and on-site relative) links, writes scheme-relative
``//host`` links out as ``https://host`` (off-site), and adds ``rel="nofollow noopener"``. The stored result is the only HTML a template marks
safe. ``@handle`` mentions of existing members become links to their profile.
"""
from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "ul", "ol", "li", "blockquote",
    "a", "code", "pre", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}

MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9_]{3,30})\b", re.IGNORECASE)
# Addresses written as text (not links once rendered: linkify is off), including
# scheme-relative ``//host.tld``; links proper are found in the rendered HTML.
ADDRESS_RE = re.compile(
    r"(https?:|mailto:|www\.|(?<![\w:/])//[\w-]+(\.[\w-]+)+)", re.IGNORECASE
)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("strikethrough")
    # No headings (a post is not a page), no images (no third-party requests).
    md.disable(["heading", "lheading", "image"])
    return md


_MD = _parser()


def mentioned_handles(source: str) -> list[str]:
    """Lower-case handles written as ``@handle`` in ``source``, in order, no repeats."""
    seen: list[str] = []
    for match in MENTION_RE.finditer(source or ""):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
    return seen


def has_link(source: str) -> bool:
    """Whether the text holds a web address or anything that renders as a link.

    Checked on the rendered HTML, not on the source: reference-style links
    (``[here][1]`` … ``[1]: //evil.example``), autolinks and every other markdown
    spelling of a link end up as ``<a`` there (issue 8, item 18)."""
    source = source or ""
    return bool(ADDRESS_RE.search(source)) or "<a " in render(source)


def _link_mentions(source: str, handles: Iterable[str], profile_url) -> str:
    known = {h.lower() for h in handles}
    if not known:
        return source

    def replace(match: re.Match) -> str:
        handle = match.group(1).lower()
        if handle not in known:
            return match.group(0)
        return f"[@{handle}]({profile_url(handle)})"

    return MENTION_RE.sub(replace, source)


def _href_filter(element: str, attribute: str, value: str) -> str | None:
    """``//host/path`` is a link to another site, not a path on this one: written out
    as ``https://host/path`` so it reads as off-site everywhere (and keeps the
    ``rel`` of off-site links)."""
    if element == "a" and attribute == "href":
        value = value.strip()
        if value.startswith("//"):
            return "https:" + value
    return value


def render(source: str, mention_handles: Iterable[str] = (), profile_url=None) -> str:
    """Markdown source to sanitised HTML (links of known mentions included)."""
    if profile_url is not None:
        source = _link_mentions(source, mention_handles, profile_url)
    html = _MD.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_href_filter,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()


def plain_text(html: str) -> str:
    """Visible text of sanitised HTML, for search and snippets."""
    text = nh3.clean(re.sub(r"<(/p|br|/li|/blockquote|/pre)\b", r" <\1", html), tags=set())
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()

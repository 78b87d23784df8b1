"""Feeds to follow and what a feed holds: the feeds list (`feeds.yaml`) and the entries of an RSS or Atom feed.

The list is a YAML file beside the store, one item per feed (the app can add to it; edit it to rename or
remove a feed)::

    - name: Meridian Post, business      # how the Documents page names it
      url: https://example.org/business/rss.xml
      pair: India–Russia                 # optional: the pair of stories that name no two countries

Feed documents are parsed by feedparser (RSS 0.9x/1.0/2.0 and Atom), never by hand.
"""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from datastore.countries import pair_splits
from datastore.fetching import FetchError, check_address

FEEDS_FILE = "feeds.yaml"
_KEYS = ("name", "url", "pair")
_XML_POSITION = re.compile(r"^<unknown>:(?P<line>\d+):\d+: (?P<what>.+)$")
_HEADER = "# Feeds Figure Desk follows: name, url, optional pair (see README, \"Feeds\").\n"


class FeedsFileError(ValueError):
    """A feeds list that cannot be used; the message is one line naming the file, the line and the feed."""


@dataclass(frozen=True)
class Feed:
    """One feed to follow."""

    name: str
    url: str
    pair: tuple[str, str] | None = None

    @property
    def pair_label(self) -> str:
        return "\u2013".join(self.pair) if self.pair else ""


@dataclass(frozen=True)
class Entry:
    """One story a feed lists: ``key`` is what the feed calls it (its id/guid, else its link), so a story that
    keeps its key is never read twice; ``published`` is the entry's own date (ISO), if it has one."""

    key: str
    url: str
    title: str | None = None
    published: str | None = None


def feeds_path(db_path: str | os.PathLike[str]) -> Path:
    """Where the feeds list of a store lives: ``feeds.yaml`` in the store's folder."""
    return Path(db_path).parent / FEEDS_FILE


def load_feeds(path: str | os.PathLike[str]) -> list[Feed]:
    """The feeds in a feeds list; [] for a missing or empty file; FeedsFileError for anything malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"{path}: cannot read ({exc})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise FeedsFileError(f"{path}: {where}not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise FeedsFileError(f"{path}: expected a list of feeds (lines starting with '- name:')")
    feeds: list[Feed] = []
    seen: set[str] = set()
    for number, (item, item_node) in enumerate(zip(data, node.value, strict=True), start=1):
        where = f"{path}: line {item_node.start_mark.line + 1}: feed {number}"
        feed = _feed(item, where)
        if feed.url in seen:
            raise FeedsFileError(f"{where}: {feed.url} is listed twice")
        seen.add(feed.url)
        feeds.append(feed)
    return feeds


def make_feed(name: str, url: str, pair: str | None = None) -> Feed:
    """A feed typed into a form, checked as a listed one would be; FeedsFileError says what is wrong.

    >>> make_feed(" Meridian ", "https://example.org/rss.xml", "India–Russia").pair
    ('India', 'Russia')
    """
    try:
        return _feed({"name": name, "url": url, "pair": pair or None}, "")
    except FeedsFileError as exc:
        raise FeedsFileError(str(exc).removeprefix(": ")) from None


def _feed(item: Any, where: str) -> Feed:
    if not isinstance(item, dict):
        raise FeedsFileError(f"{where}: expected 'name:' and 'url:', got {str(item)[:60]!r}")
    unknown = sorted(str(k) for k in item if k not in _KEYS)
    if unknown:
        raise FeedsFileError(f"{where}: unknown key '{unknown[0]}' (a feed has {', '.join(_KEYS)})")
    url = item.get("url")
    if not isinstance(url, str) or not url.strip():
        raise FeedsFileError(f"{where}: no url")
    try:
        url = check_address(url)
    except FetchError as exc:
        raise FeedsFileError(f"{where}: {url}: {exc.reason}") from None
    name = item.get("name")
    name = " ".join(str(name).split()) if name is not None else ""
    return Feed(name=name or url, url=url, pair=_pair(item.get("pair"), where))


def _pair(value: Any, where: str) -> tuple[str, str] | None:
    """A pair written "India–Russia" (en dash, em dash, '/', or hyphen) or as a list of two names.

    >>> _pair("India - Russia", ""), _pair(["Russia", "India"], "")
    (('India', 'Russia'), ('Russia', 'India'))
    """
    if value is None or value == "":
        return None
    names: list[str] = []
    if isinstance(value, list):
        names = [str(v).strip() for v in value]
    elif isinstance(value, str):
        names = list(next(pair_splits(value), ()))
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise FeedsFileError(f"{where}: pair {str(value)[:60]!r} is not two country names (e.g. India–Russia)")
    return names[0], names[1]


def add_feed(path: str | os.PathLike[str], feed: Feed) -> list[Feed]:
    """Append a feed to the list, keeping the file's comments and order; returns the new list. Refuses
    (FeedsFileError, file untouched) a feed already listed or a list that is malformed now."""
    path = Path(path)
    current = load_feeds(path)
    if any(f.url == feed.url for f in current):
        raise FeedsFileError(f"{feed.url} is already in {path}")
    item: dict[str, Any] = {"name": feed.name, "url": feed.url}
    if feed.pair:
        item["pair"] = feed.pair_label
    added = yaml.safe_dump([item], allow_unicode=True, sort_keys=False, width=1000)
    before = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    if not current:  # missing, empty, or only comments / "[]": start the list afresh
        before = _HEADER if not before.strip() or before.strip() == "[]" else _comments_only(before)
    elif not before.endswith("\n"):
        before += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(before + added, encoding="utf-8")
    os.replace(temporary, path)  # whole or not at all: a reader never sees half a file
    return load_feeds(path)


def _comments_only(text: str) -> str:
    """The comment lines of a list that holds no feed (e.g. a header above ``[]``)."""
    kept = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    return "\n".join(kept) + "\n" if kept else _HEADER


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[Entry]:
    """The entries of an RSS or Atom document, in the feed's order; relative links are resolved against
    ``url``. Raises FetchError naming ``url`` when the body is not a feed at all. Entries without a web link
    are left out (there is nothing to fetch)."""
    import feedparser  # loads sgmllib and friends: only when a feed is read

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)  # bytes, never a URL: feedparser fetches nothing
    if not parsed.entries and not parsed.get("version"):  # not recognised as any kind of feed
        problem = str(parsed.get("bozo_exception") or "").strip()
        where = _XML_POSITION.match(problem)  # "<unknown>:2:0: not well-formed (invalid token)"
        if where:
            problem = f"{where['what']} at line {where['line']}"
        detail = f" ({problem.splitlines()[0][:100]})" if problem else ""
        raise FetchError(url, f"not an RSS or Atom feed{detail}")
    entries: list[Entry] = []
    for item in parsed.entries:
        link = (item.get("link") or "").strip()
        if not link.lower().startswith(("http://", "https://")):
            continue
        key = (item.get("id") or link).strip()
        entries.append(Entry(key=key, url=link, title=item.get("title") or None, published=_entry_date(item)))
    return entries


def _entry_date(item: Any) -> str | None:
    """The entry's publication date (else its update date) as an ISO day in UTC, as feedparser parsed it."""
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = item.get(field)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat()
            except (OverflowError, ValueError, TypeError):
                continue
    return None

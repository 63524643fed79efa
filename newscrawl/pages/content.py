"""The article found by its content, for pages of no known layout.

``ContentParser`` reads a page whose class names it has never seen. It finds, by structure and
text only:

1. the **title heading**: the ``h1``–``h3`` whose text is the title the page's metadata or
   ``<title>`` gives, else the first ``h1`` outside page furniture;
2. the **body**: the largest group of sibling ``<p>`` after the title heading whose parent does
   not also hold the heading (chunks of one body, split by the CMS, are joined by climbing while
   the parent still does not hold it);
3. the **article**: the smallest element holding both; every visible value is read inside it,
   never in navigation, ``aside``/``header``/``footer`` of the page, boxes headed like Most Read,
   card lists, ad slots;
4. the **article header**: the article minus its body; byline items are recognised there by text
   shape (``By …``, ``Source: …``, a date, ``N Shares``, ``N min read``), labels by the link's
   path (region, coverage, the URL's own section), the standfirst as the first prose block;
5. **images** (lazy forms resolved by ``newscrawl.pages.images``), the **tag list** (the group of
   tag links outside paragraphs), Related News boxes and ``Read more:`` lines as in every layout.

What it cannot place inside the article it does not return: a wrong value is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from parsel import Selector

from newscrawl.normalize.processors import compare_key
from newscrawl.pages import embedded, jsonld
from newscrawl.pages import images as I
from newscrawl.pages import selectors as S
from newscrawl.pages.article import (
    Byline,
    LayoutParser,
    RawImage,
    element_text,
    has_text,
    select,
    select_all,
)

_HEADINGS = ("h1", "h2", "h3")
_WORD = re.compile(r"\w+")


def _norm(text: str | None) -> str:
    """Text compared as read (``compare_key``)."""
    return compare_key(text)


def _tag(element: Any) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _is_headline(text: str) -> bool:
    """Long enough to be a headline: three words, or (scripts written without spaces) ten
    characters."""
    return len(text.split()) >= 3 or (len(text) >= 10 and not text.isascii())


def _lone_label(text: str) -> str | None:
    """``author`` or ``source`` for a byline label standing alone (``By``, ``Von:``,
    ``Source``), else ``None``."""
    if S.LONE_BY_LABEL.fullmatch(text):
        return "author"
    if S.LONE_SOURCE_LABEL.fullmatch(text):
        return "source"
    return None


def _words(paragraphs: list[str]) -> Counter[str]:
    return Counter(_WORD.findall("\n".join(paragraphs).casefold()))


def _pick_body(
    structural: list[str], main: list[str], article: Callable[[], Counter[str]] | None = None
) -> list[str]:
    """One body from the two readings. The structural one is exact where it found the article:
    it is kept when trafilatura's holds it and it covers most of trafilatura's (or all but a
    few words: a footer line, or words from outside the ``article`` the structural reader
    found), or when the two differ and trafilatura's is too short for a body
    (``S.BODY_MIN_WORDS``: it read a page's furniture) or half the structural one. Otherwise
    trafilatura's, which finds more articles on real newsrooms' pages."""
    ours, theirs = _words(structural), _words(main)
    size_ours, size_theirs = sum(ours.values()), sum(theirs.values())
    if not size_ours:
        return main if size_theirs >= S.BODY_MIN_WORDS else []
    shared = sum((ours & theirs).values())
    inside, covered = S.BODY_AGREEMENT
    if shared >= inside * size_ours:
        extra = theirs - ours
        size_extra = sum(extra.values())
        if article is not None:  # only more of the article makes ours a fragment
            size_extra = sum((extra & article()).values())
        fragment = shared < covered * size_theirs and size_extra >= S.FOOTER_MAX_WORDS
        return main if fragment else structural
    if size_theirs < S.BODY_MIN_WORDS or size_ours >= 2 * size_theirs:
        return structural
    return main


def _is_dateline(lead: str) -> bool:
    """A lead-in that ends as a dateline does (``Berlin.``, ``KATHMANDU, April 25 (Reuters) -``),
    not a label (``Politics``)."""
    return 0 < len(lead) <= S.DATELINE_MAX_CHARS and S.DATELINE_END.search(lead) is not None


def _is_prose(text: str) -> bool:
    """A sentence rather than a label: eight words, five ending as a sentence does, or
    (scripts written without spaces) forty characters."""
    words = text.split()
    return (
        len(words) >= S.STANDFIRST_MIN_WORDS
        or (len(words) >= 5 and text.rstrip()[-1:] in ".!?…。")
        or (len(text) >= 40 and len(words) <= 2)
    )


_LABELS = frozenset(S.BOX_HEADING_TEXTS) | frozenset(S.AD_LABELS)
_LONGEST_LABEL = max(map(len, _LABELS))
#: Elements that may be furniture by their tag, role or ad-slot attribute (checked after).
_FURNITURE_CANDIDATES = " | ".join(
    [
        *(f".//{tag}" for tag in sorted(S.FURNITURE_TAGS | S.PAGE_FURNITURE_TAGS)),
        ".//*[@role]",
        *(f".//*[@{name}]" for name in S.AD_SLOT_ATTRIBUTES),
    ]
)


def _norm_space(text: str) -> str:
    return " ".join(text.split())


def _label(element: Any) -> str | None:
    """The text of an element's first child when that child is a label (text or links only,
    no block of its own): a box's heading, ``Most Read``, ``Advertisement``."""
    child = next((c for c in element if isinstance(c.tag, str)), None)
    if child is None or any(
        isinstance(c.tag, str) and c.tag not in S.LABEL_CHILD_TAGS for c in child
    ):
        return None
    return _norm_space(child.text_content())


def _text(element: Any) -> str:
    return " ".join(element_text(element).split())


class ContentParser(LayoutParser):
    """Reads any page by its content; see the module docstring."""

    #: Subheadings are body text too, on the pages of other newsrooms.
    body_tags: ClassVar[tuple[str, ...]] = ("p", *S.SUBHEADINGS)
    selectors = S.LAYOUT_GENERIC

    def __init__(self, root: Selector, titles: list[str] | None = None, path: str = "/") -> None:
        super().__init__(root)
        self.titles = [_norm(t) for t in titles or [] if t and t.strip()]
        self.path = path

    # --- page furniture --------------------------------------------------------------------

    @cached_property
    def _doc(self) -> Any:
        return self.root.root

    @cached_property
    def furniture(self) -> set[Any]:
        """Elements never part of the article: navigation, page header/footer/aside, boxes
        headed like Most Read, ad slots, scripts."""
        found: set[Any] = set()
        for element in self._doc.xpath(_FURNITURE_CANDIDATES):
            tag, role = element.tag, (element.get("role") or "").strip().lower()
            if (
                tag in S.FURNITURE_TAGS
                or role in S.FURNITURE_ROLES
                or any(element.get(name) is not None for name in S.AD_SLOT_ATTRIBUTES)
                or (
                    (tag in S.PAGE_FURNITURE_TAGS or role in S.PAGE_FURNITURE_ROLES)
                    and not self._sectioned(element)
                )
            ):
                found.add(element)
        # A box opening with a label (``Most Read``, ``Advertisement``): found by the label's
        # own text, then checked (one pass over the page; a query per label costs more).
        for element in self._positions:  # the page's elements in order, walked once
            text = element.text if isinstance(element.tag, str) else None
            if not text or len(text) > _LONGEST_LABEL * 2 or _norm_space(text) not in _LABELS:
                continue
            for label in (element, element.getparent()):
                box = label.getparent() if label is not None else None
                if box is not None and _label(box) in _LABELS:
                    found.add(box)
        return found

    @staticmethod
    def _sectioned(element: Any) -> bool:
        """Inside an ``article`` or ``main``: a ``header``/``footer``/``aside`` or landmark
        there is the article's own (HTML's sectioning rules)."""
        return any(
            a.tag in S.SECTIONING_TAGS
            or (a.get("role") or "").strip().lower() in S.SECTIONING_ROLES
            for a in element.iterancestors()
        )

    def _in(self, element: Any, elements: set[Any]) -> bool:
        if element in elements:
            return True
        return any(a in elements for a in element.iterancestors())

    # --- title heading, body, article -------------------------------------------------------

    @cached_property
    def heading(self) -> Any | None:
        candidates = [
            h for h in self._doc.iter(*_HEADINGS) if not self._in(h, self.furniture) and _text(h)
        ]
        if self.titles:
            for h in candidates:
                if _norm(_text(h)) in self.titles:
                    return h
            for h in candidates:
                if self._title_part(h) is not None:
                    return h
        # Unnamed by the metadata: an h1, or on a page with no metadata title an h2 too.
        for level in ("h1",) if self.titles else ("h1", "h2"):
            for h in candidates:
                if h.tag == level and _is_headline(_text(h)):
                    return h
        return None

    def _title_part(self, heading: Any) -> str | None:
        """The part of a heading that a metadata title names, when the heading holds it with
        a kicker or a label around it (``<h1><span>Kicker</span> Headline</h1>``)."""
        text = _norm(_text(heading))
        for title in self.titles:
            if len(title) >= 12 and (text.endswith(title) or text.startswith(title)):
                return title
        return None

    def _holds_heading(self, element: Any) -> bool:
        heading = self.heading
        return heading is not None and (
            element is heading or any(a is element for a in heading.iterancestors())
        )

    @cached_property
    def _embeds(self) -> set[Any]:
        """Players and other embedded documents of the page."""
        return {node.root for node in select_all(self.root, S.EMBEDS)}

    @cached_property
    def _skipped(self) -> set[Any]:
        """Elements whose paragraphs are never body text wherever they sit."""
        nodes = list(self.related_boxes)
        nodes.extend(self.root.css("figure, figcaption, blockquote"))
        found = {n.root for n in nodes} | self.furniture | self._embeds
        found |= {wrapper for wrapper in self._caption_holders.values() if wrapper is not None}
        return found

    @cached_property
    def _caption_holders(self) -> dict[Any, Any | None]:
        """Each picture's caption holder, over the whole page (see ``images.caption_holder``)."""
        return {
            img: I.caption_holder(img)
            for img in self._doc.iter("img")
            if not img.xpath("ancestor::noscript")
        }

    @cached_property
    def related_boxes(self) -> list[Selector]:
        return [
            box
            for box in select_all(self.root, S.RELATED_BOX_BY_TEXT)
            if not self._in(box.root, self.furniture)
        ]

    @cached_property
    def body_element(self) -> Any | None:
        groups: dict[Any, int] = {}
        beside: dict[Any, list[int]] = {}  # paragraphs after the heading, beside it
        for p in self._doc.iter("p"):
            parent = p.getparent()
            if parent is None or self._in(p, self._skipped):
                continue
            if not self._follows_heading(p):
                continue
            text = _text(p)
            if not text or self._is_byline_text(text):
                continue
            if self._holds_heading(parent):
                beside.setdefault(parent, []).append(len(text))
            else:
                groups[parent] = groups.get(parent, 0) + len(text)
        # A body written straight after the headline, with no element of its own around it:
        # paragraphs enough for a body (a standfirst or a caption is one).
        groups = groups or {
            g: sum(sizes)
            for g, sizes in beside.items()
            if len(sizes) >= S.BESIDE_BODY_MIN_PARAGRAPHS and sum(sizes) >= S.FAR_BODY_MIN_CHARS
        }
        # Paragraphs that share nothing with the heading below <body> are another part of the
        # page (a footer's lines) unless they are prose of a body's length (a headline block
        # above a column of text).
        heading = self.heading
        if heading is not None:
            near = set(heading.iterancestors()) - {self._doc, *self._doc.iter("body")}
            groups = {
                g: n
                for g, n in groups.items()
                if n >= S.FAR_BODY_MIN_CHARS
                or g in near
                or any(a in near for a in g.iterancestors())
            }
        if not groups:
            return None
        best = max(groups, key=lambda g: groups[g])
        # Climb over wrappers and sibling chunks, never up to the element holding the title.
        element = best
        while True:
            parent = element.getparent()
            if parent is None or _tag(parent) in ("body", "html") or self._holds_heading(parent):
                break
            if self._in(parent, self.furniture):
                break
            element = parent
        return element

    def _follows_heading(self, element: Any) -> bool:
        heading = self.heading
        if heading is None:
            return True
        return self._order(element) > self._order(heading)

    @cached_property
    def _positions(self) -> dict[Any, int]:
        return {el: i for i, el in enumerate(self._doc.iter())}

    def _order(self, element: Any) -> int:
        return self._positions.get(element, -1)

    @cached_property
    def article(self) -> Any | None:
        """The smallest element holding the title heading and the body."""
        heading, body = self.heading, self.body_element
        if heading is None:
            return body.getparent() if body is not None else None
        if body is None:
            # No body: climb from the heading while the parent holds more than furniture
            # beside the element reached (a header block, then the media and tag list).
            element = heading
            while True:
                parent = element.getparent()
                if parent is None or _tag(parent) in ("body", "html", "main"):
                    return element
                if self._in(parent, self.furniture):
                    return element
                others = [
                    child
                    for child in parent
                    if child is not element
                    and isinstance(child.tag, str)
                    and child not in self.furniture
                    and (_text(child) or child.xpath(".//img | .//video | .//iframe"))
                ]
                if not others:
                    return element
                element = parent
        ancestors = set(heading.iterancestors())
        element = body
        while element is not None and element not in ancestors:
            element = element.getparent()
        return element

    @cached_property
    def container(self) -> Selector:
        element = self.article
        if element is None:
            return self.root
        return Selector(root=element, type="html")

    @cached_property
    def not_article(self) -> set[Any]:
        return self.furniture

    # --- the header: byline, labels, standfirst -------------------------------------------

    @cached_property
    def header_elements(self) -> list[Any]:
        """Elements of the article outside its body, furniture, media and the tag list."""
        article = self.article
        if article is None:
            return []
        stop = self._skipped | {self.body_element} | set(self.tag_list_elements)
        out: list[Any] = []

        def walk(element: Any) -> None:
            for child in element:
                if not isinstance(child.tag, str) or child in stop or child.tag in S.MEDIA_TAGS:
                    continue
                if child.tag in ("script", "style", "noscript", "template"):
                    continue
                out.append(child)
                walk(child)

        walk(article)
        return out

    @cached_property
    def header_items(self) -> list[Any]:
        """Leaf text items of the header: elements with text and no element children holding
        text, in page order."""
        items = []
        memo: dict[Any, bool] = {}
        for element in self.header_elements:
            if element is self.heading or self._in(element, {self.heading}):
                continue
            if not has_text(element, memo):
                continue
            has_text_children = any(
                isinstance(c.tag, str) and c.tag != "br" and has_text(c, memo) for c in element
            )
            if not has_text_children or (element.text or "").strip():
                items.append(element)
        return items

    def _is_byline_text(self, text: str) -> bool:
        return bool(
            S.BYLINE_BY.match(text)
            or S.BYLINE_SOURCE.match(text)
            or S.BYLINE_DATE.fullmatch(text)
            or S.BYLINE_SHARES.fullmatch(text)
            or S.BYLINE_READ_TIME.fullmatch(text)
        )

    def _is_byline_row(self, text: str) -> bool:
        """A line of byline items, or a ``Read more:`` line (trafilatura keeps both)."""
        if self._is_byline_text(text) or S.READ_MORE.match(text):
            return True
        if len(text.split()) > S.STANDFIRST_MIN_WORDS * 2:
            return False
        fields = self._has_byline_field(text) or S.BYLINE_VIEWS.search(text) is not None
        several = len([p for p in S.BYLINE_SPLIT.split(text) if p]) > 1
        return fields and (several or S.BYLINE_SOURCE.search(text) is not None)

    @staticmethod
    def _has_byline_field(text: str) -> bool:
        return bool(
            S.BYLINE_DATE.search(text)
            or S.BYLINE_SHARES.search(text)
            or S.BYLINE_READ_TIME.search(text)
            or S.BYLINE_SOURCE.search(text)
        )

    @cached_property
    def _item_texts(self) -> list[tuple[Any, str]]:
        return [(el, _text(el)) for el in self.header_items]

    def byline(self) -> Byline:
        return self._byline

    @cached_property
    def _byline(self) -> Byline:
        """Byline items of the header, each recognised by its text shape wherever it sits."""
        found: dict[str, str] = {}
        author_text: list[str] = []
        parts: list[str] = []
        pending: str | None = None
        for element, text in self._labelled_items():
            if pending is not None:
                # A label in an element of its own, its value in the next (``<span>By</span>
                # <a>Name</a>``, ``<b>Source</b> <span>Reuters</span>``).
                waiting, pending = pending, None
                if not self._has_byline_field(text):
                    self._labelled(waiting, text, found, author_text, parts)
                    continue
            label = _lone_label(text)
            if label is not None:
                value = (element.tail or "").strip().lstrip(":：").strip()
                if value:  # ``<b>Source</b>: Reuters``: the value is the label's tail
                    self._labelled(label, value, found, author_text, parts)
                else:
                    pending = label
                continue
            pieces = [p for p in S.BYLINE_SPLIT.split(text) if p]
            if (
                len(pieces) == 1
                and S.BYLINE_SOURCE.search(text)
                and not S.BYLINE_SOURCE.match(text)
            ):
                # One run of text (``Name Source: X 2024-01-15 12:24 3 Shares``).
                pieces = self._run_on(text, found, author_text)
            for piece in pieces:
                if self._byline_piece(piece, found, author_text):
                    parts.append(piece)
        return Byline(
            text=S.BYLINE_SEPARATOR.join(parts) or None,
            authors=self._author_links(),
            author_text=author_text,
            source=found.get("source"),
            date=found.get("date"),
            shares=found.get("shares"),
            read_time=found.get("read_time"),
            views=found.get("views"),
        )

    @staticmethod
    def _labelled(
        label: str, value: str, found: dict[str, str], author_text: list[str], parts: list[str]
    ) -> None:
        if label == "source":
            found.setdefault("source", value)
        elif not author_text:
            author_text.append(value)
        parts.append(value)

    def _labelled_items(self) -> list[tuple[Any, str]]:
        """Header items, a count and its word in two elements joined (``<b>0</b>
        <span>Shares</span>``)."""
        items = list(self._item_texts)
        joined: list[tuple[Any, str]] = []
        skip = False
        for index, (element, text) in enumerate(items):
            if skip:
                skip = False
                continue
            if index + 1 < len(items) and re.fullmatch(r"[\d.,]+[KkMm]?", text):
                both = f"{text} {items[index + 1][1]}"
                if S.BYLINE_SHARES.fullmatch(both) or S.BYLINE_READ_TIME.fullmatch(both):
                    joined.append((element, both))
                    skip = True
                    continue
            joined.append((element, text))
        return joined

    @staticmethod
    def _byline_piece(piece: str, found: dict[str, str], author_text: list[str]) -> bool:
        if "date" not in found and (match := S.BYLINE_DATE.fullmatch(piece)):
            found["date"] = match.group(0)
        elif "date" not in found and (match := S.BYLINE_PUBLISHED.fullmatch(piece)):
            found["date"] = match["value"]
        elif "source" not in found and (match := S.BYLINE_SOURCE.fullmatch(piece)):
            found["source"] = match["value"]
        elif "shares" not in found and (match := S.BYLINE_SHARES.fullmatch(piece)):
            found["shares"] = match["value"]
        elif "read_time" not in found and (match := S.BYLINE_READ_TIME.fullmatch(piece)):
            found["read_time"] = match["value"]
        elif "views" not in found and (match := S.BYLINE_VIEWS.fullmatch(piece)):
            found["views"] = match["value"]
        elif not author_text and S.BYLINE_BY.match(piece):
            author_text.append(piece)
        else:
            return False
        return True

    @staticmethod
    def _run_on(text: str, found: dict[str, str], author_text: list[str]) -> list[str]:
        """Fields of a byline written as one run of text; returns it as the row's one part."""
        for name, pattern, group in (
            ("source", S.BYLINE_SOURCE, "value"),
            ("date", S.BYLINE_DATE, 0),
            ("shares", S.BYLINE_SHARES, "value"),
            ("read_time", S.BYLINE_READ_TIME, "value"),
            ("views", S.BYLINE_VIEWS, "value"),
        ):
            match = pattern.search(text)
            if match and name not in found:
                found[name] = match.group(group)
        leading = S.BYLINE_LEADING_AUTHORS.match(text)
        if leading and not author_text:
            by = S.BYLINE_BY.match(leading["value"])
            author_text.append(by["value"] if by else leading["value"])
        return [text] if leading or found else []

    def _author_links(self) -> list[str]:
        names = []
        for element in self.header_elements:
            if element.tag == "a" and (
                S.AUTHOR_PATH.search(element.get("href", ""))
                or "author" in (element.get("rel") or "").lower().split()
            ):
                name = _text(element)
                if name:
                    names.append(name)
        return names

    @cached_property
    def byline_nodes(self) -> list[Selector]:
        return []

    def date_attribute(self) -> str | None:
        """The machine-readable ``datetime`` of the byline's ``<time>`` (the shown date's)."""
        shown = self.byline().date
        for element in self.header_elements:
            if (
                element.tag == "time"
                and element.get("datetime")
                and (shown is None or _text(element) == shown)
            ):
                return str(element.get("datetime"))
        return None

    def labels(self) -> dict[str, str]:
        """Labels shown as links in the article header: ``section_group``, ``section``
        (links to the article URL's own group and section), ``region``, ``coverage``."""
        segments = [s for s in unquote(self.path).strip("/").split("/") if s]
        found: dict[str, str] = {}
        for element in self.header_elements:
            if element.tag != "a":
                continue
            text = _text(element)
            href = element.get("href", "")
            if not text or not href:
                continue
            path = unquote(urlsplit(href).path).strip("/")
            parts = path.split("/")
            for field, pattern in S.LABEL_PATHS.items():
                if pattern.match("/" + path):
                    found.setdefault(field, text)
            if segments and parts == segments[:1]:
                found.setdefault("section_group", text)
            elif len(segments) > 2 and parts == segments[:2]:
                found.setdefault("section", text)
        return found

    @cached_property
    def standfirst_node(self) -> Selector | None:
        heading, body = self.heading, self.body_element
        for element, text in self._item_texts:
            if heading is not None and self._order(element) < self._order(heading):
                continue
            if body is not None and self._order(element) > self._order(body):
                break  # a standfirst leads into the body; what follows it is not one
            if _norm(text) in self.titles:
                continue  # the head's (SEO) title shown as a second heading
            if self._is_picture_text(text):
                continue  # a picture's caption that repeats its ``alt``
            if element.tag == "a" or element.tag == "time" or self._is_byline_text(text):
                continue
            if element.xpath("ancestor-or-self::a") or len(text) < S.STANDFIRST_MIN_CHARS:
                continue
            if len(text.split()) < S.STANDFIRST_MIN_WORDS and (
                self._has_byline_field(text) or not _is_prose(text)
            ):
                continue  # "Published: 14 Mar 2024 09:05" is a byline item, a label no prose
            if self._in(element, set(self.tag_list_elements)):
                continue
            # Link-only blocks are labels, not prose.
            link_text = sum(len(_text(a)) for a in element.iter("a"))
            if link_text > len(text) / 2:
                continue
            return Selector(root=self._whole_line(element), type="html")
        return None

    @cached_property
    def _picture_texts(self) -> list[str]:
        """What the page says of its pictures: their ``alt`` texts and the JSON-LD captions."""
        stated = jsonld.captions(v for q in S.JSON_LD for v in select(self.root, q).getall())
        texts = (_norm(text) for text in [*self._doc.xpath("//img/@alt"), *stated])
        return [text for text in texts if len(text) >= S.STANDFIRST_MIN_CHARS]

    def _is_picture_text(self, text: str) -> bool:
        """A picture's caption: text that repeats (or opens) its ``alt`` or a stated caption."""
        key = _norm(text)
        return any(key.startswith(t) or t.startswith(key) for t in self._picture_texts)

    @staticmethod
    def _whole_line(element: Any) -> Any:
        """The block an inline standfirst sits in with a dateline before it (``<div><span>
        Berlin.</span> <span>The standfirst …</span></div>``); a lead-in that does not end as a
        dateline does (a section label, ``Politics``) is no part of the standfirst."""
        parent = element.getparent()
        if element.tag not in S.INLINE_TAGS or parent is None:
            return element
        if any(child.tag not in S.INLINE_TAGS for child in parent):
            return element
        whole, own = _text(parent), _text(element)
        lead = whole[: whole.find(own)].strip() if whole.endswith(own) else ""
        return parent if _is_dateline(lead) else element

    def shown_with_dateline(self, text: str) -> str | None:
        """The article's paragraph showing ``text`` after a dateline (``<p><span>Berlin.
        </span> Die Feuerwehr …</p>``, ``KATHMANDU, April 25 (Reuters) - …``): a head
        description as the article shows it."""
        key = _norm(text)
        if self.article is None or not key:
            return None
        for paragraph in self.article.iter("p"):
            shown = _text(paragraph)
            whole = _norm(shown)
            if len(whole) <= len(key) or not whole.endswith(key):
                continue
            if _is_dateline(whole[: -len(key)].strip()):
                return " ".join(shown.split())
        return None

    def title(self) -> str | None:
        """The visible headline; from a heading holding a kicker too, the part the metadata
        names."""
        if self.heading is None:
            return None
        text = _text(self.heading)
        part = self._title_part(self.heading)
        if part is not None and _norm(text) != part:
            start = _norm(text).find(part)
            return " ".join(text.split())[start : start + len(part)] if start >= 0 else text
        return text

    # --- body -------------------------------------------------------------------------------

    @cached_property
    def body_node(self) -> Selector | None:
        body = self.body_element
        return Selector(root=body, type="html") if body is not None else None

    @cached_property
    def excluded(self) -> set[Any]:
        # The headline, and the head's title shown again as a heading, are no subheadings.
        headings = {self.heading} if self.heading is not None else set()
        headings |= {h for h in self._doc.iter(*S.SUBHEADINGS) if _norm(_text(h)) in self.titles}
        return self._skipped | set(self.tag_list_elements) | headings

    def body_paragraphs(self) -> list[str]:
        """The structural body where trafilatura's main text agrees with it, else trafilatura's
        (without the headline, standfirst, byline and ``Read more:`` lines it often keeps):
        the structural reader is exact where it finds the article, trafilatura finds more
        articles."""
        from newscrawl.pages import fallback  # trafilatura loads only when needed

        structural = super().body_paragraphs()
        header = {_norm(t) for t in (self.title(), self.standfirst()) if t} | set(self.titles)
        captions = {
            _norm(I.caption_text(img, holder)) for img, holder in self._caption_holders.items()
        }
        article = self.article
        around = (lambda: _words([self.container_text])) if article is not None else None
        # A long structural body needs trafilatura's main pass only (its readability and
        # jusText comparison, two thirds of its time, adds nothing the check below uses); a
        # short one may be a fragment that only the fuller pass shows (bench/realfields.py).
        fast = sum(map(len, structural)) >= S.FAST_CHECK_MIN_CHARS
        main = [
            p
            for p in fallback.body_paragraphs(self._doc, fast=fast)
            if _norm(p) not in header | captions and not self._is_byline_row(p)
        ]
        body = _pick_body(structural, main, around)
        if sum(_words(body).values()) < S.BODY_MIN_WORDS:  # the page shows no body: its scripts
            titles = {_norm(t) for t in (*self.titles, self.title()) if t}
            return embedded.body_paragraphs(self._doc, titles) or body
        return body

    # --- tags -------------------------------------------------------------------------------

    @cached_property
    def tag_list_elements(self) -> list[Any]:
        """Groups of tag links in the article outside paragraphs: the article's tag list."""
        article = self.article
        if article is None:
            return []
        groups: list[Any] = []
        for anchor in article.iter("a"):
            if not S.TAG_PATH.search(anchor.get("href", "")) or self._in(anchor, self.furniture):
                continue
            if anchor.xpath("ancestor::p"):
                continue  # a link in a sentence is not the tag list
            group = anchor.getparent()
            while group is not None and _tag(group) in ("li",):
                group = group.getparent()
            if group is not None and group not in groups and group is not article:
                groups.append(group)
        return groups

    def tags(self) -> list[str]:
        found: list[str] = []
        for group in self.tag_list_elements:
            for anchor in group.iter("a"):
                if S.TAG_PATH.search(anchor.get("href", "")):
                    text = _text(anchor)
                    if text:
                        found.append(text)
        return found

    # --- images -----------------------------------------------------------------------------

    @cached_property
    def _images(self) -> list[tuple[Any, str]]:
        """(img element, URL) of every picture of the article, page order, lazy forms resolved."""
        article = self.article
        if article is None:
            return []
        found: list[tuple[Any, str]] = []
        for img in article.iter("img"):
            if self._in(img, self.furniture) or img.xpath("ancestor::noscript"):
                continue
            if self._in(img, self._embeds):
                continue
            url = I.image_url(img)
            if url:
                found.append((img, url))
        return found

    def _raw(self, img: Any, url: str) -> RawImage:
        holder = self._caption_holders.get(img)
        caption = I.caption_text(img, holder)
        return RawImage(url, caption)

    @cached_property
    def _gallery_images(self) -> set[Any]:
        """Pictures in a group of several picture blocks (a gallery), outside the body."""
        groups: dict[Any, list[Any]] = {}
        for img, _ in self._images:
            block = self._caption_holders.get(img)
            if block is None:
                block = img.getparent()
            parent = block.getparent() if block is not None else None
            if parent is not None:
                groups.setdefault(parent, []).append(img)
        return {img for members in groups.values() if len(members) >= 2 for img in members}

    def main_image(self) -> RawImage | None:
        body = self.body_element
        for img, url in self._images:
            if body is not None and self._in(img, {body}):
                continue
            if img in self._gallery_images:
                continue
            return self._raw(img, url)
        return None

    def images(self) -> list[RawImage]:
        found: list[RawImage] = []
        main = self.main_image()
        if main is not None:
            found.append(main)
        found += [self._raw(img, url) for img, url in self._images]
        return found

    def has_player(self) -> bool:
        article = self.article
        return article is not None and bool(article.xpath(S.PLAYER_IN_ARTICLE))

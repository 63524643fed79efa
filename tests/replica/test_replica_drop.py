"""``--drop-field``: article pages without one field's element and metadata; the truth agrees."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from newscrawl_replica.site import Site
from newscrawl_replica.testing import ReplicaServer


def test_dropped_tags_leave_pages_and_truth() -> None:
    with (
        ReplicaServer(articles=20, seed=5) as plain,
        ReplicaServer(articles=20, seed=5, extra_args=("--drop-field", "tags")) as dropped,
    ):
        before, after = plain.truth(), dropped.truth()
        tagged = [line["record"] for line in before if line["record"]["tags"]]
        assert tagged and all(line["record"]["tags"] == [] for line in after)
        # Everything else is the same site.
        assert [line["record"]["title"] for line in after] == [
            line["record"]["title"] for line in before
        ]
        path = urlsplit(tagged[0]["url"]).path
        shown, hidden = plain.get(path).text, dropped.get(path).text
        assert 'class="article-tags"' in shown or 'class="tags"' in shown
        assert 'class="article-tags"' not in hidden and 'class="tags"' not in hidden


def test_a_field_that_cannot_be_dropped_is_refused() -> None:
    with pytest.raises(ValueError, match="--drop-field 'body'"):
        Site("en", 20, 1, drop=["body"])

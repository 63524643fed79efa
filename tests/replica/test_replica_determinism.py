"""Same seed, same site, byte for byte; another seed, another site."""

from __future__ import annotations

from newscrawl_replica.testing import ReplicaServer

PATHS = ["/", "/news/politics?page=2", "/tags/Russia", "/sitemaps/all.xml", "/rss.xml"]


def snapshot(replica: ReplicaServer) -> dict[str, bytes]:
    pages = {p: replica.get(p).body for p in PATHS}
    for line in replica.truth()[::40]:
        path = line["record"]["url"].removeprefix("https://english.almayadeen.net")
        pages[path] = replica.get(path).body
    return pages


def test_same_seed_same_bytes(en_replica: ReplicaServer) -> None:
    with ReplicaServer(edition="en", articles=300, seed=1) as twin:
        assert snapshot(twin) == snapshot(en_replica)
        assert twin.wait_truth().read_bytes() == en_replica.wait_truth().read_bytes()


def test_other_seed_other_site(en_replica: ReplicaServer) -> None:
    with ReplicaServer(edition="en", articles=300, seed=2) as other:
        assert other.get("/").body != en_replica.get("/").body
        ref = "/news/politics/white-house-has-no-evidence-of-drone-sale-from-iran-to-russi"
        assert other.get(ref).status == 200  # the reference article is always there


def test_arabic_same_seed_same_bytes() -> None:
    with (
        ReplicaServer(edition="ar", articles=150, seed=4) as one,
        ReplicaServer(edition="ar", articles=150, seed=4) as two,
    ):
        assert one.wait_truth().read_bytes() == two.wait_truth().read_bytes()
        for line in one.truth()[::15]:
            path = line["record"]["url"].removeprefix("https://www.almayadeen.net")
            assert one.get(path).body == two.get(path).body
        assert one.get("/sitemaps/all.xml").body == two.get("/sitemaps/all.xml").body

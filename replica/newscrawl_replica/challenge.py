"""A Cloudflare-style JavaScript challenge.

Requests without a valid ``cf_clearance`` cookie get a 403 "Just a moment..." page whose script
solves a small proof over a token in the page, sets the cookie and reloads. The token carries its
issue time and an HMAC, so the server can check a cookie without keeping state; a plain HTTP
client cannot produce the answer without running (or re-implementing) the script.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time

COOKIE = "cf_clearance"
ROUNDS = 1000


def solve(token: str) -> str:
    """The answer the page's script computes for ``token`` (FNV-1a, repeated ROUNDS times)."""
    h = 0x811C9DC5
    for r in range(ROUNDS):
        for ch in token:
            h ^= ord(ch)
            h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= r
    return format(h, "x")


SOLVER_JS = """
function solve(token) {
  var h = 0x811c9dc5;
  for (var r = 0; r < ROUNDS_JS; r++) {
    for (var i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h = (h ^ r) >>> 0;
  }
  return h.toString(16);
}
""".replace("ROUNDS_JS", str(ROUNDS))


class Challenge:
    def __init__(self, seed: int, ttl: int, host: str = "english.almayadeen.net") -> None:
        self.host = host
        self.secret = hashlib.sha256(f"challenge:{seed}".encode()).digest()
        self.ttl = ttl
        self._ray = random.Random(f"ray:{seed}")

    def _mac(self, issued: int) -> str:
        return hmac.new(self.secret, str(issued).encode(), hashlib.sha256).hexdigest()[:20]

    def token(self, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        return f"{issued}.{self._mac(issued)}"

    def valid(self, cookie: str | None, now: float | None = None) -> bool:
        if not cookie:
            return False
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            return False
        issued = int(parts[0])
        token = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(parts[1], self._mac(issued)):
            return False
        age = (time.time() if now is None else now) - issued
        return 0 <= age <= self.ttl and hmac.compare_digest(parts[2], solve(token))

    def ray(self) -> str:
        return f"{self._ray.getrandbits(64):016x}-BEY"

    def page(self) -> str:
        token = self.token()
        return f"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">{self.host}</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">{self.host} needs to review
the security of your connection before proceeding.</div>
<form id="challenge-form" data-token="{token}"></form></div></div>
<script>{SOLVER_JS}
(function () {{
  var token = document.getElementById("challenge-form").getAttribute("data-token");
  setTimeout(function () {{
    var value = token + "." + solve(token);
    document.cookie = "{COOKIE}=" + value + "; path=/; max-age={self.ttl}; SameSite=Lax";
    location.reload();
  }}, 50);
}})();
</script></body></html>
"""

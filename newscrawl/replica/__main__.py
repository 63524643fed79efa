"""``python -m newscrawl.replica serve --port 8765 --articles 500 --seed 1 --edition en ...``"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import sys
import time
from pathlib import Path

from aiohttp import web

from newscrawl.replica.server import Options, Replica
from newscrawl.replica.site import Site


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m newscrawl.replica", description="Offline replica of the Al Mayadeen site."
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve one edition over HTTP")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765, help="0 picks a free port (printed on start)")
    s.add_argument("--articles", type=int, default=500)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--edition", choices=("en", "ar"), default="en")
    s.add_argument("--listing", choices=("static", "js"), default="static")
    s.add_argument("--challenge", choices=("off", "on"), default="off")
    s.add_argument("--faults", choices=("none", "flaky", "hostile"), default="none")
    s.add_argument(
        "--clearance-ttl", type=int, default=300, help="seconds a cf_clearance cookie lasts"
    )
    s.add_argument(
        "--slow-seconds",
        type=float,
        default=45.0,
        help="delay of the slow fault (longer than a sane download timeout)",
    )
    s.add_argument(
        "--truth", type=Path, default=None, help="write the ground truth (JSON Lines) here"
    )
    b = sub.add_parser(
        "build-arabic", help="rebuild data/arabic.jsonl.gz from the raw Arabic records"
    )
    b.add_argument("source", type=Path, help="folder of the raw records (shared/data/arabic)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    if args.command == "build-arabic":
        from newscrawl.replica.arabic import build_dataset

        print(f"{build_dataset(args.source)} articles")
        return 0
    started = time.monotonic()
    if args.truth is not None and not args.truth.parent.is_dir():
        print(f"error: --truth: no directory {args.truth.parent}", file=sys.stderr)
        return 2
    try:
        site = Site(args.edition, args.articles, args.seed)
        replica = Replica(
            site,
            Options(
                listing=args.listing,
                challenge=args.challenge,
                faults=args.faults,
                clearance_ttl=args.clearance_ttl,
                slow_seconds=args.slow_seconds,
                truth=args.truth,
            ),
        )
        # The site's metadata lives as long as the process: keep the collector from walking it.
        gc.collect()
        gc.freeze()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = replica.app()
    runner = web.AppRunner(app, access_log=None, handle_signals=True)

    async def run() -> None:
        await runner.setup()
        tcp = web.TCPSite(runner, args.host, args.port)
        await tcp.start()
        port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(
            f"replica {args.edition} serving {len(site)} articles on http://{args.host}:{port} "
            f"(ready in {time.monotonic() - started:.2f}s)",
            flush=True,
        )
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())

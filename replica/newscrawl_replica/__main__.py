"""``newscrawl-replica serve --port 8765 --articles 500 --seed 1 --edition en ...``

(``python -m newscrawl_replica serve ...`` is the same command.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path

from aiohttp import web

from newscrawl_replica.server import Options, Replica
from newscrawl_replica.site import Site


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newscrawl-replica", description="Offline replica of the Al Mayadeen site."
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve one edition over HTTP")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765, help="0 picks a free port (printed on start)")
    s.add_argument("--articles", type=int, default=500)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--edition", choices=("en", "ar", "es"), default="en")
    s.add_argument("--listing", choices=("static", "js"), default="static")
    s.add_argument("--challenge", choices=("off", "on"), default="off")
    s.add_argument(
        "--block",
        choices=("off", "rss", "all"),
        default="off",
        help="answer the feed (rss) or every path (all) with a plain 403 (Server: cloudflare)",
    )
    s.add_argument(
        "--faults",
        choices=("none", "flaky", "hostile", "damaged"),
        default="none",
        help="flaky: errors that a retry gets past; hostile: traps and oversized pages; "
        "damaged: a proxy that answers a share of article pages with random bytes or cut HTML",
    )
    s.add_argument(
        "--damaged-share",
        type=float,
        default=0.1,
        help="with --faults damaged: the share of articles whose pages are damaged (0 to 1)",
    )
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
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="answer every article page after this delay (a slow site; changed while serving "
        "with POST /__replica__/latency?seconds=S)",
    )
    s.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes serving the same site (read-only: no publish, no flaky/hostile faults)",
    )
    s.add_argument(
        "--truth", type=Path, default=None, help="write the ground truth (JSON Lines) here"
    )
    s.add_argument(
        "--markup",
        choices=("canonical", "mutated"),
        default="canonical",
        help="article page markup: the site's layouts, or the same truth in other markup",
    )
    s.add_argument(
        "--markup-seed", type=int, default=1, help="which mutated markup (different seeds differ)"
    )
    s.add_argument(
        "--drop-field",
        action="append",
        default=[],
        metavar="FIELD",
        help="render article pages without this record field's element and metadata "
        "(repeatable; e.g. tags)",
    )
    s.add_argument(
        "--publish-every",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="publish on a schedule, every SECONDS (0: only through POST /__replica__/publish)",
    )
    s.add_argument("--publish-new", type=int, default=1, metavar="N", help="new articles a time")
    s.add_argument("--publish-edit", type=int, default=0, metavar="M", help="edits a time")
    s.add_argument(
        "--publish-random",
        action="store_true",
        help="publish at random moments, --publish-every apart on average",
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
        from newscrawl_replica.arabic import build_dataset

        print(f"{build_dataset(args.source)} articles")
        return 0
    started = time.monotonic()
    if args.truth is not None and not args.truth.parent.is_dir():
        print(f"error: --truth: no directory {args.truth.parent}", file=sys.stderr)
        return 2
    if args.workers < 1 or (args.workers > 1 and args.faults != "none"):
        print("error: --workers must be 1, or more without --faults", file=sys.stderr)
        return 2
    if args.publish_every < 0 or args.publish_new < 0 or args.publish_edit < 0:
        print("error: --publish-every, --publish-new, --publish-edit: at least 0", file=sys.stderr)
        return 2
    if not 0 <= args.latency < 3600:
        print("error: --latency: from 0 to 3600 seconds", file=sys.stderr)
        return 2
    if args.publish_every and args.workers > 1:
        print("error: publishing needs --workers 1", file=sys.stderr)
        return 2
    try:
        site = Site(args.edition, args.articles, args.seed, drop=args.drop_field)
        replica = Replica(
            site,
            Options(
                listing=args.listing,
                challenge=args.challenge,
                faults=args.faults,
                damaged_share=args.damaged_share,
                clearance_ttl=args.clearance_ttl,
                slow_seconds=args.slow_seconds,
                latency=args.latency,
                truth=args.truth,
                workers=args.workers,
                markup=args.markup,
                markup_seed=args.markup_seed,
                block=args.block,
                publish_every=args.publish_every,
                publish_new=args.publish_new,
                publish_edit=args.publish_edit,
                publish_random=args.publish_random,
            ),
        )
        # The site's metadata lives as long as the process: keep the collector from walking it.
        gc.collect()
        gc.freeze()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sock = socket.create_server((args.host, args.port), backlog=1024)
    port = sock.getsockname()[1]
    children = [_fork_worker(replica, sock) for _ in range(args.workers - 1)]
    print(
        f"replica {args.edition} serving {len(site)} articles on http://{args.host}:{port} "
        f"(ready in {time.monotonic() - started:.2f}s, {args.workers} worker(s))",
        flush=True,
    )
    try:
        _serve(replica, sock)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return 0


def _serve(replica: Replica, sock: socket.socket) -> None:
    """Serve on ``sock`` until SIGINT or SIGTERM."""
    runner = web.AppRunner(replica.app(), access_log=None, handle_signals=True)

    async def run() -> None:
        await runner.setup()
        await web.SockSite(runner, sock).start()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        asyncio.run(run())


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when its parent dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _fork_worker(replica: Replica, sock: socket.socket) -> int:
    """A copy of this process serving the same site on the same socket (the kernel spreads
    connections). It shares the site copy-on-write and writes no truth."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _die_with_parent()
            replica.opts.truth = None
            _serve(replica, sock)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


def run() -> None:
    """The ``newscrawl-replica`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    run()

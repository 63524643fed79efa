"""Look at or rebuild a job's crawl state.

    python -m newscrawl.state show --state-dir output/state
    python -m newscrawl.state rebuild output/almayadeen/en --state-dir output/state

(``--state-dir`` may come before or after the command; it defaults to ``output/state``.)

``show`` prints the state's summary; a directory with no state is an error (nothing is created).
It only reads: a state on a read-only file system (a mounted backup, a snapshot) is shown too.
``rebuild`` absorbs every published feed (``*.jsonl`` below the folder; rejects files, named
``*.rejects.jl``, do not match) into the state, oldest name first: after the state was lost,
moved or found corrupt (a corrupt state file is moved aside first), the next run then knows every
article the feeds hold and emits only what is new or changed. Feeds already known are skipped.
It takes the job's lock, so it never runs beside a crawl of the same job.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newscrawl.state.lock import JobAlreadyRunning, RunLock
from newscrawl.state.reconcile import publish_feed
from newscrawl.state.store import CorruptState, CrawlState, NoState, StateError, set_aside

DEFAULT_STATE_DIR = Path("output/state")


def show(state: CrawlState) -> dict[str, object]:
    runs = state.runs()
    return {
        "state": str(state.path),
        "articles": state.article_count(),
        "high_water_mark": state.high_water_mark(),
        "runs": len(runs),
        "last_run": runs[-1] if runs else None,
        "feeds": len(state.feeds()),
        "unfinished_feeds": [str(f.path) for f in state.feeds(unfinished=True)],
    }


def rebuild(state: CrawlState, folder: Path) -> tuple[int, int]:
    """Absorb the feeds below ``folder``; returns (feeds read, records absorbed)."""
    feeds = sorted(folder.rglob("*.jsonl"))
    read = absorbed = 0
    for path in feeds:
        if state.feed(path) is not None:
            continue
        state.register_feed(path, run_id=None)
        absorbed += publish_feed(state, path).absorbed
        read += 1
    return read, absorbed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.state", description=__doc__)
    state_help = "the job's state directory (default output/state)"
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help=state_help)
    sub = parser.add_subparsers(dest="command", required=True)
    show_cmd = sub.add_parser("show", help="print the state's summary as JSON")
    rebuild_cmd = sub.add_parser("rebuild", help="absorb the published feeds below a folder")
    rebuild_cmd.add_argument("folder", type=Path)
    for cmd in (show_cmd, rebuild_cmd):  # accepted after the command too
        cmd.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS, help=state_help)
    args = parser.parse_args(argv)
    try:
        if args.command == "show":
            state = CrawlState(args.state_dir, read_only=True)
            try:
                print(json.dumps(show(state), indent=2))
            finally:
                state.close()
            return 0
        if not args.folder.is_dir():
            print(f"error: {args.folder} is not a folder", file=sys.stderr)
            return 2
        with RunLock(args.state_dir):
            state = open_for_rebuild(args.state_dir)
            try:
                read, absorbed = rebuild(state, args.folder)
                print(f"{read} feeds read, {absorbed} article versions absorbed into "
                      f"{state.path} ({state.article_count()} articles)")  # fmt: skip
            finally:
                state.close()
    except NoState as exc:
        message = (
            f"error: no crawl state in {args.state_dir} ({exc.path} does not exist); a crawl "
            "creates one, and `rebuild FOLDER` makes one from feeds"
        )
        print(message, file=sys.stderr)
        return 1
    except CorruptState as exc:
        print(f"error: {exc.advice('FEEDS_FOLDER')}", file=sys.stderr)
        return 1
    except (JobAlreadyRunning, StateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def open_for_rebuild(state_dir: Path) -> CrawlState:
    """The state to rebuild: a corrupt one is moved aside and an empty one started."""
    try:
        return CrawlState(state_dir)
    except CorruptState as exc:
        aside = set_aside(exc.path)
        print(f"{exc.path} was corrupt ({exc.problem}); moved it to {aside} and rebuilding "
              "the state from the feeds", file=sys.stderr)  # fmt: skip
        return CrawlState(state_dir)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m newscrawl.dataset build|report OUTPUT_DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawl.dataset",
        description="Turn a job's feeds into a Parquet dataset (current and history tables, "
        "current.jsonl) and an HTML report, in OUTPUT_DIR/dataset/.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("build", "read the feeds not read yet and commit them to the dataset"),
        ("report", "write OUTPUT_DIR/dataset/report.html from the dataset and the run files"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("output_dir", type=Path, metavar="OUTPUT_DIR",
                             help="the job's output directory (NEWSCRAWL_OUTPUT_DIR)")  # fmt: skip
    args = parser.parse_args(argv)
    if not args.output_dir.is_dir():
        parser.error(f"OUTPUT_DIR: no such directory: {args.output_dir}")
    try:
        from newscrawl.dataset.feeds import FeedError
        from newscrawl.dataset.store import BuildLocked

        if args.command == "build":
            from newscrawl.dataset.build import build

            print(build(args.output_dir).summary())
        else:
            from newscrawl.dataset.report import write_report

            path, totals = write_report(args.output_dir)
            print(f"report written: {path} ({totals})")
    except ImportError as exc:  # the optional dependencies are missing
        if not (exc.name or "").startswith(("pyarrow", "matplotlib")):
            raise
        print(
            f"newscrawl.dataset needs the 'dataset' extra ({exc.name} is missing): "
            "pip install 'newscrawl[dataset]'",
            file=sys.stderr,
        )
        return 2
    except (BuildLocked, FeedError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m texts extract|check``: keep the catalogues in step with the sources (see docs/TEXTS.md)."""

from __future__ import annotations

import argparse
import sys

from texts.extract import REPO, check, update


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="texts", description="The text catalogues (texts/locale/*/LC_MESSAGES).")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("extract", help="update every PO file from the sources: new texts in, unused texts out")
    sub.add_parser("check", help="list missing, unused, untranslated and fuzzy texts; exit 1 if any")
    args = parser.parse_args(argv)
    if args.command == "extract":
        for path in update():
            print(f"updated {path.relative_to(REPO)}")
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"texts: {len(problems)} to fix", file=sys.stderr)
        return 1
    print("texts: every catalogue is complete and in use")
    return 0


if __name__ == "__main__":
    sys.exit(main())

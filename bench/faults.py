"""Time to frames flowing again, per fault type (issue 10's ``bench/faults``).

Runs the e2e fault suite (``tests/e2e/test_faults.py``: real backend, kiosk and
Chromium) ``--rounds`` times and reads the recovery times each round writes:
from the fault to ``FRAMES`` newly decoded video frames on each end, with
nobody touching anything. The floor, measured in the same run, is the set-up
of the call each case starts (Admit to the same number of frames): a recovery
near the floor costs the citizen no more than being admitted again.

    .venv/bin/python -m bench.faults --rounds 3 [-k kiosk]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_round(artifacts: Path, select: str) -> dict[str, dict[str, float]]:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/e2e/test_faults.py"]
    if select:
        cmd += ["-k", select]
    env = {**os.environ, "ETAPISTE_ARTIFACTS": str(artifacts)}
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-3000:], file=sys.stderr)
    path = artifacts / "faults.json"
    return json.loads(path.read_text()) if path.exists() else {}


def median(figures: list[dict[str, float]], key: str) -> float | None:
    values = [f[key] for f in figures if key in f]
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-k", dest="select", default="", help="only the cases pytest -k selects")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {}
    for n in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
            for case, figures in run_round(Path(tmp), args.select).items():
                runs.setdefault(case, []).append(figures)
        print(f"round {n + 1}/{args.rounds} done", file=sys.stderr)
    print("| fault | n | booth median | official median | floor (Admit to frames) | ratio booth | ratio official |")
    print("|---|---|---|---|---|---|---|")
    for case, figures in runs.items():
        booth, official = median(figures, "booth_s"), median(figures, "official_s")
        floor_b, floor_o = median(figures, "setup_booth_s"), median(figures, "setup_official_s")
        ratio_b = f"{booth / floor_b:.2f}" if booth is not None and floor_b else "–"
        ratio_o = f"{official / floor_o:.2f}" if official is not None and floor_o else "–"
        floor = f"{floor_b:.1f} s / {floor_o:.1f} s" if floor_b and floor_o else "–"
        b = f"{booth:.1f} s" if booth is not None else "–"
        o = f"{official:.1f} s" if official is not None else "–"
        print(f"| {case} | {len(figures)} | {b} | {o} | {floor} | {ratio_b} | {ratio_o} |")


if __name__ == "__main__":
    main()

"""`make bench`: run every bench/bench_*.py in its own process and collect their lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    # Names pick benches ("writer-quality" is bench_writer_quality.py); options go to each.
    split = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    only, options = {a.replace("-", "_") for a in argv[:split]}, argv[split:]
    scripts = sorted(p for p in here.glob("bench_*.py") if not only or p.stem[6:] in only)
    failed = 0
    for script in scripts:
        print(f"# {script.name}", flush=True)
        command = [sys.executable, str(script), *options]
        done = subprocess.run(command, cwd=here.parent)  # writer-quality runs for an hour
        if done.returncode != 0:
            failed += 1
            print(f"# {script.name} failed with exit code {done.returncode}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

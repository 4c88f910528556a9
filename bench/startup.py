"""Start-up alone (issue 6): `umkm-graph serve` to its first storefront answer, next to what Python itself costs.

    .venv/bin/python bench/startup.py --db sqlite            # bench/.data/bench.sqlite3, as bench/run.py leaves it
    .venv/bin/python bench/startup.py --db postgres --times 7

Each round runs three things one after another, so that the machine's load falls on all of them alike:
- `python -c pass`: the interpreter alone;
- `python -c "import umkm_graph.app"`: the imports a server needs;
- `umkm-graph serve` (bench/run.py's environment), polled every 10 ms with the storefront query until it answers with
  data (bench/run.py's wait_for_answer), then stopped.
Each is timed twice: wall time, and the CPU seconds the process used (for the server, until its answer, from /proc). On
a machine shared with other work the wall times stretch with the load; the CPU times much less, so compare those there.
It prints the medians, and how much of the start-up the interpreter and the imports are. Nothing is seeded: start the
server on whatever the database holds (bench/run.py seeds it). bench/run.py measures start-up in the same way.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from run import database_url, start_api, stop, wait_for_answer  # bench/run.py


@dataclass
class Round:
    python_s: float
    python_cpu_s: float
    import_s: float
    import_cpu_s: float
    serve_s: float
    serve_cpu_s: float


def python_seconds(code: str) -> tuple[float, float]:
    """Wall and CPU seconds of `python -c code`."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - began
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process, from /proc (0 where there is no /proc)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15


def serve_once(url: str, name: str) -> tuple[float, float]:
    """Seconds from spawning `umkm-graph serve` to its first storefront answer, and the CPU seconds it used by then."""
    server = start_api(name, url, None)
    try:
        seconds = wait_for_answer(server)
        return seconds, cpu_seconds(server.pid)
    finally:
        stop(server)


def measure(url: str, times: int, echo: bool = True) -> list[Round]:
    rounds = []
    for i in range(times):
        found = Round(*python_seconds("pass"), *python_seconds("import umkm_graph.app"),
                      *serve_once(url, f"startup-{i}"))
        rounds.append(found)
        if echo:
            print(f"  round {i + 1}/{times}: python {found.python_s:.2f} s (CPU {found.python_cpu_s:.2f} s), "
                  f"import {found.import_s:.2f} s (CPU {found.import_cpu_s:.2f} s), "
                  f"serve {found.serve_s:.2f} s (CPU {found.serve_cpu_s:.2f} s)", flush=True)
    return rounds


def summary(rounds: list[Round]) -> str:
    lines = [f"medians of {len(rounds)}         wall s    CPU s"]
    labels = (("python -c pass", "python"), ("import umkm_graph.app", "import"), ("serve, first answer", "serve"))
    for label, name in labels:
        wall, cpu = (statistics.median(getattr(r, f"{name}{suffix}") for r in rounds) for suffix in ("_s", "_cpu_s"))
        lines.append(f"{label:<22}{wall:>9.2f}{cpu:>9.2f}")
    serve, imports, python = (statistics.median(getattr(r, f"{name}_cpu_s") for r in rounds)
                              for name in ("serve", "import", "python"))
    if serve:
        lines.append(f"of the server's CPU time to its first answer, the imports are {imports / serve:.0%} and the "
                     f"bare interpreter {python / serve:.0%}; the server uses {serve / imports:.2f}x the imports' CPU")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--database-url", help="another database (default: bench/run.py's)")
    parser.add_argument("--times", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()
    url = database_url(args.db, args.database_url, quick=False)
    print(f"start-up of `umkm-graph serve` on {url}, {args.times} rounds; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    print(summary(measure(url, args.times)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The server's CPU for what hardening II items 2 and 12 refuse, before and after, side by side from one run.

    .venv/bin/python bench/cost_figures.py --before /tmp/cost-before/src

`--before` is the src/ directory of a checkout from before the change (for example
`git worktree add --detach /tmp/cost-before main`). The demo data is seeded once into a SQLite file under bench/.data/;
then each version serves it in turn (`umkm-graph serve`, rate limits off) and answers the same requests, one at a time.
A figure is the CPU the server process spent (user + system, every thread: argon2 runs on two) from sending the request
until the process is idle again, read from /proc. Nothing is asserted; tests/engine/test_cost_of_password_hashes.py and
test_request_budget.py hold the behaviour.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import DATA, ROOT, Server, post_json, start_api, stop, wait_for_answer  # noqa: E402  (bench/run.py)

TICKS = os.sysconf("SC_CLK_TCK")
STOREFRONT = ("{ products(first: 100) { edges { node { id name price description stock unit rating reviewCount "
              "shop { id name kecamatan } category { name } reviews(first: 5) { edges { node { id rating text } } } } } } }")


def logins(count: int, who: str) -> str:
    """Sign-ins for emails nobody has, each its own (the per-email throttle would stop repeats after five)."""
    fields = " ".join(f'a{i}: login(email: "{who}-{i}@example.id", password: "tebakan-{i}") {{ token }}'
                      for i in range(count))
    return f"mutation {{ {fields} }}"


REQUESTS = {
    "login x30 aliases": {"query": logins(30, "aliases")},
    "batch of 10 logins": [{"query": logins(1, f"batch{n}")} for n in range(10)],
    "batch of 10 storefront queries": [{"query": STOREFRONT} for _ in range(10)],
    "batch of 2 storefront queries": [{"query": STOREFRONT} for _ in range(2)],  # within the budget: runs after too
    "one storefront query": {"query": STOREFRONT},
}
HEAVY = {"batch of 10 x (login x30)": [{"query": logins(30, f"heavy{n}")} for n in range(10)]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def settled_cpu(pid: int) -> float:
    """The process's CPU once it has been idle for 0.3 s (hashes still running in threads are counted)."""
    last = cpu_seconds(pid)
    while True:
        time.sleep(0.3)
        now = cpu_seconds(pid)
        if now - last < 0.01:
            return now
        last = now


def measure(server: Server, body: object) -> tuple[float, str]:
    before = settled_cpu(server.pid)
    status, answer = post_json(server.url + "/graphql", json.dumps(body), timeout=120)
    answers = answer if isinstance(answer, list) else [answer]
    codes = sorted({(error.get("extensions") or {}).get("code", "?") for a in answers if isinstance(a, dict)
                    for error in a.get("errors") or ()})
    outcome = f"{status} " + (",".join(codes) if codes else "ran")
    return settled_cpu(server.pid) - before, outcome


def seeded_database() -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "cost-figures.sqlite3"
    if not path.exists():
        env = {**os.environ, "UMKM_DATABASE_URL": f"sqlite://{path}"}
        subprocess.run([sys.executable, "-m", "umkm_graph.cli", "seed"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return f"sqlite://{path}"


def figures(name: str, database_url: str, source: Path | None, requests: dict[str, object]) -> dict[str, tuple]:
    server = start_api(name, database_url, cache=None, source=source)
    try:
        wait_for_answer(server)
        return {label: measure(server, body) for label, body in requests.items()}
    finally:
        stop(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="src/ of a checkout from before the change")
    parser.add_argument("--heavy", action="store_true", help="also a batch of ten 30-alias logins (~30 s of CPU before)")
    args = parser.parse_args()
    requests = {**REQUESTS, **(HEAVY if args.heavy else {})}
    database_url = seeded_database()
    before = figures("cost-before", database_url, args.before.resolve(), requests)
    after = figures("cost-after", database_url, None, requests)
    print(f"{'request':<34} {'before: CPU s':>14}  {'outcome':<22} {'after: CPU s':>13}  outcome")
    for label in requests:
        (cpu_b, out_b), (cpu_a, out_a) = before[label], after[label]
        print(f"{label:<34} {cpu_b:>14.2f}  {out_b:<22} {cpu_a:>13.2f}  {out_a}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The load generator, always in a process of its own: wrk when it is on PATH, otherwise an aiohttp client.

Both keep connections alive, hold a fixed number of requests in flight for a fixed time, and send POST bodies in turn
from a list (so sixteen buyers can each send their own cart). The result: requests per second, p50 and p99 latency,
and how many requests failed (a connection error, a timeout, or an HTTP status other than 2xx).

    python bench/load.py SPEC.json     (the aiohttp fallback; bench/run.py writes the spec)
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class LoadSpec:
    url: str
    bodies: list[str]  # JSON bodies, sent in turn
    headers: list[dict[str, str]] = field(default_factory=list)  # one per body, or none
    connections: int = 8
    seconds: float = 5.0


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def measure(spec: LoadSpec, tool: str = "auto") -> LoadResult:
    """Run one round of load from a separate process."""
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
        return _wrk(spec)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(asdict(spec), handle)
    try:
        done = subprocess.run([sys.executable, __file__, handle.name], capture_output=True, text=True, check=True,
                              timeout=spec.seconds + 60)
    finally:
        os.unlink(handle.name)
    return LoadResult(**json.loads(done.stdout.strip().splitlines()[-1]))


# --- wrk ---------------------------------------------------------------------------------------------------------------

_LUA = """
local bodies = {%(bodies)s}
local headers = {%(headers)s}
local threads, counter = %(threads)d, 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
local sent = 0
function request()
  sent = sent + 1
  local k = ((sent * threads + offset) %% #bodies) + 1
  return wrk.format("POST", nil, headers[k], bodies[k])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH {\\"requests\\": %%d, \\"us\\": %%d, \\"p50\\": %%d, \\"p99\\": %%d, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def _wrk(spec: LoadSpec) -> LoadResult:
    threads = 1  # the server has the other core of a 2-core machine; one wrk thread drives far more than it needs
    headers = spec.headers or [{} for _ in spec.bodies]
    lua = _LUA % {
        "bodies": ", ".join(_lua_string(body) for body in spec.bodies),
        "headers": ", ".join("{" + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in
                                             {"Content-Type": "application/json", **h}.items()) + "}" for h in headers),
        "threads": threads,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        done = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(spec.connections), "-d", f"{max(1, round(spec.seconds))}s", "--timeout", "30s",
             "-s", script.name, spec.url], capture_output=True, text=True, timeout=spec.seconds + 60)
    finally:
        os.unlink(script.name)
    found = re.search(r"^BENCH (.*)$", done.stdout, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    figures = json.loads(found.group(1))
    return LoadResult(requests=figures["requests"], seconds=figures["us"] / 1e6, p50_ms=figures["p50"] / 1000,
                      p99_ms=figures["p99"] / 1000, errors=figures["errors"], tool="wrk")


# --- the aiohttp fallback ---------------------------------------------------------------------------------------------


async def _drive(spec: LoadSpec) -> LoadResult:
    import aiohttp

    headers = [{"Content-Type": "application/json", **h} for h in (spec.headers or [{} for _ in spec.bodies])]
    bodies = [body.encode() for body in spec.bodies]
    latencies: list[float] = []
    errors = 0
    sent = 0
    connector = aiohttp.TCPConnector(limit=spec.connections)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        began = time.perf_counter()
        deadline = began + spec.seconds

        async def worker() -> None:
            nonlocal errors, sent
            while time.perf_counter() < deadline:
                k = sent % len(bodies)
                sent += 1
                start = time.perf_counter()
                try:
                    async with session.post(spec.url, data=bodies[k], headers=headers[k]) as response:
                        await response.read()
                        ok = 200 <= response.status < 300
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += not ok

        await asyncio.gather(*(worker() for _ in range(spec.connections)))
        elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0

    return LoadResult(requests=len(latencies), seconds=elapsed, p50_ms=percentile(0.5), p99_ms=percentile(0.99),
                      errors=errors, tool="aiohttp")


def main(argv: list[str]) -> int:
    spec = LoadSpec(**json.loads(Path(argv[0]).read_text()))
    print(json.dumps(asdict(asyncio.run(_drive(spec)))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

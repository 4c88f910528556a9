"""A real S3-compatible server for the tests: moto's, as a subprocess on 127.0.0.1, started once per test worker, with
one bucket; and the settings that keep uploads there."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.helpers.live import free_port
from umkm_graph.media_settings import MediaSettings
from umkm_graph.settings import Settings

# Distinctive, so a test can look for them in every answer and log line: they must never appear.
ACCESS_KEY_ID = "AKIATESTUMKMMALANG01"
SECRET_ACCESS_KEY = "test-s3-secret-Qm7Xw2Lp9Vb4Nz8Kd3Hs6Tj1"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str

    def media(self, **changes: object) -> MediaSettings:
        media = MediaSettings(s3_bucket=self.bucket, s3_endpoint=self.endpoint, s3_region="ap-southeast-3",
                              s3_access_key_id=ACCESS_KEY_ID, s3_secret_access_key=SECRET_ACCESS_KEY,
                              s3_prefix="media/")
        return dataclasses.replace(media, **changes)  # type: ignore[arg-type]

    def settings(self, settings: Settings, **changes: object) -> Settings:
        return dataclasses.replace(settings, media=self.media(**changes))


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """moto's server on a free port, until the block ends; about a second to start."""
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY}
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, process)
        server = S3Server(f"http://127.0.0.1:{port}", "umkm-photos")
        urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/{server.bucket}", method="PUT"), timeout=10)
        # Anyone may read what is under media/, as for a bucket a CDN or browsers fetch photos from.
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{server.bucket}/media/*"}]}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/{server.bucket}?policy", data=policy,
                                                      method="PUT", headers={"Content-Type": "application/json"}),
                               timeout=10)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto's server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("moto's server did not start within 30 s")

"""Brings the browser assets GraphiQL needs into the package (src/umkm_graph/web/static/vendor/), so /graphql works
with no internet: `npm pack` fetches each pinned package from the npm registry, its tarball is checked against the
registry's own integrity, and the files the page loads are copied with the package's licence; manifest.json records
each file's sha384 (the page's Subresource Integrity, checked again by tests/host/test_web_assets.py).

Run it only to change a pin: `.venv/bin/python tools/vendor_web_assets.py` (needs npm), then commit what it wrote.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src" / "umkm_graph" / "web" / "static" / "vendor"

# package, version, files the page loads (paths inside the tarball's package/), the licence file
PINS: list[tuple[str, str, list[str], str]] = [
    ("react", "18.2.0", ["umd/react.production.min.js"], "LICENSE"),
    ("react-dom", "18.2.0", ["umd/react-dom.production.min.js"], "LICENSE"),
    ("graphiql", "3.8.3", ["graphiql.min.js", "graphiql.min.css"], "LICENSE"),
]


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def fetch(package: str, version: str, into: Path) -> tuple[Path, str]:
    """The tarball from the registry, and the integrity the registry publishes for it (checked here)."""
    packed = json.loads(subprocess.run(["npm", "pack", "--json", f"{package}@{version}"], cwd=into, check=True,
                                       capture_output=True, text=True).stdout)[0]
    tarball = into / packed["filename"]
    algorithm, _, expected = packed["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if actual != expected:
        sys.exit(f"{package}@{version}: the tarball does not match the registry's integrity {packed['integrity']}")
    return tarball, packed["integrity"]


def main() -> None:
    shutil.rmtree(VENDOR, ignore_errors=True)
    manifest: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as work:
        for package, version, files, licence in PINS:
            tarball, integrity = fetch(package, version, Path(work))
            folder = VENDOR / f"{package}@{version}"
            folder.mkdir(parents=True)
            with tarfile.open(tarball) as archive:
                for name in [*files, licence]:
                    data = archive.extractfile(f"package/{name}").read()  # type: ignore[union-attr]
                    (folder / Path(name).name).write_bytes(data)
            manifest[f"{package}@{version}"] = {
                "package": package, "version": version, "tarball_integrity": integrity, "licence": Path(licence).name,
                "files": {Path(name).name: sri((folder / Path(name).name).read_bytes()) for name in files},
            }
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {VENDOR}")


if __name__ == "__main__":
    main()

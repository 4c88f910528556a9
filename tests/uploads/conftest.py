"""The upload tests' S3-compatible server: moto's, started once per worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.s3 import S3Server, s3_server


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server

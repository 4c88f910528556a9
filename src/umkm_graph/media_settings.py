"""Where uploaded photos are kept and served from (uploads/storage.py): local disk under UMKM_MEDIA_DIR unless
UMKM_MEDIA_S3_BUCKET names an S3-compatible bucket, which several API machines can share."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MediaSettings:
    s3_bucket: str | None = None
    s3_endpoint: str | None = None  # unset: AWS itself; else e.g. MinIO's, Cloudflare R2's or a local server's address
    s3_region: str = "us-east-1"
    # Unset, botocore's own chain finds them (AWS_ACCESS_KEY_ID, a shared credentials file, an instance role).
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = field(default=None, repr=False)
    s3_prefix: str = ""  # e.g. "media/": keys go under it, so the bucket may hold other things
    # Where clients fetch photos from (a CDN, the bucket's public address, a web server over UMKM_MEDIA_DIR);
    # unset, the API serves them itself at /media.
    public_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MediaSettings:
        def text(name: str) -> str | None:
            return env.get(f"UMKM_MEDIA_{name.upper()}", "").strip() or None

        return cls(s3_bucket=text("s3_bucket"), s3_endpoint=(text("s3_endpoint") or "").rstrip("/") or None,
                   s3_region=text("s3_region") or cls.s3_region, s3_access_key_id=text("s3_access_key_id"),
                   s3_secret_access_key=text("s3_secret_access_key"), s3_prefix=text("s3_prefix") or "",
                   public_url=(text("public_url") or "").rstrip("/") or None)

    def problems(self, production: bool) -> list[str]:
        """What is wrong with these settings, each naming its variable; never a key's value."""
        found = []
        for variable, url in (("UMKM_MEDIA_S3_ENDPOINT", self.s3_endpoint), ("UMKM_MEDIA_PUBLIC_URL", self.public_url)):
            if url is not None and not url.startswith(("https://",) if production else ("http://", "https://")):
                found.append(f"{variable} must be an {'https' if production else 'http:// or https'}:// address")
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            found.append("UMKM_MEDIA_S3_ACCESS_KEY_ID and UMKM_MEDIA_S3_SECRET_ACCESS_KEY go together: "
                         "set both or neither")
        if self.s3_bucket is None and (self.s3_endpoint or self.s3_access_key_id or self.s3_prefix):
            found.append("UMKM_MEDIA_S3_BUCKET is unset, so the other UMKM_MEDIA_S3_* settings would be ignored")
        if self.s3_bucket is not None and importlib.util.find_spec("aiobotocore") is None:
            found.append("UMKM_MEDIA_S3_BUCKET needs the s3 extra: pip install 'umkm-graph[s3]'")
        if self.s3_prefix.startswith("/") or ".." in self.s3_prefix:
            found.append("UMKM_MEDIA_S3_PREFIX must be a relative key prefix such as media/")
        return found


MEDIA_VARIABLES = frozenset(f"UMKM_MEDIA_{name.upper()}" for name in MediaSettings.__dataclass_fields__)

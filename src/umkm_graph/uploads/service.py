"""Taking an upload from a signed-in person, and handing their own uploads to the domains that attach them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.uploads.images import SIZES, prepare
from umkm_graph.uploads.models import Upload
from umkm_graph.uploads.storage import MediaStorage, key_of


async def store_upload(user: User | None, data: bytes, storage: MediaStorage, *, max_bytes: int,
                       per_hour: int) -> Upload:
    """Check the image, keep its renditions, and record it as the person's. At most per_hour uploads an hour each."""
    person = require_user(user)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    if await Upload.filter(owner_id=person.id, created_at__gte=since).count() >= per_hour:
        raise DomainError(ErrorCode.RATE_LIMITED, f"At most {per_hour} uploads an hour; try again later", "file")
    image = prepare(data, max_bytes)
    for size, webp in image.renditions.items():
        await storage.put(key_of(image.sha256, size), webp)  # files first: a row never names a file not there
    return await Upload.create(owner_id=person.id, sha256=image.sha256, width=image.width, height=image.height)


async def own_uploads(user: User, ids: Sequence[int], field: str, limit: int) -> list[Upload]:
    """The person's own uploads with these ids, in the order given; another's or unknown id is NOT_FOUND, naming it."""
    if len(ids) > limit:
        raise DomainError(ErrorCode.INVALID, f"At most {limit} photos", field)
    if len(set(ids)) != len(ids):
        raise DomainError(ErrorCode.INVALID, "The same photo is given twice", field)
    found = {u.id: u for u in await Upload.filter(id__in=list(ids), owner_id=user.id)}
    for index, upload_id in enumerate(ids):
        if upload_id not in found:
            raise DomainError(ErrorCode.NOT_FOUND, "No upload of yours has this id", f"{field}.{index}")
    return [found[i] for i in ids]


def media_url(upload: Upload, size: str, public_url: str | None) -> str:
    """Where one rendition is fetched: under public_url (UMKM_MEDIA_PUBLIC_URL) if set, else where the API serves it
    (GET /media/..., relative to the API). Immutable either way, so cached for good."""
    if size not in SIZES:
        raise ValueError(size)
    return f"{public_url or '/media'}/{key_of(upload.sha256, size)}"

"""POST /uploads: a signed-in person sends one image as the request body (any Content-Type; the content decides), and
gets back its id, which a GraphQL mutation then attaches (setProductPhotos, openComplaint's photoUploadIds). GET
/media/<sha256>/<size>.webp serves a rendition, cached for good since its address is its content.

The image travels outside GraphQL on purpose: GraphQL stays JSON only (the multipart request spec would open the
endpoint to cross-site form posts), and the body cap, the rate limits and the bearer token apply here as on /graphql.
Answers: 201 with the upload; 400 for a file that is not a usable image, 401 without a valid token, 413 past
UMKM_UPLOAD_MAX_BYTES (the middleware's), 429 past UMKM_UPLOADS_PER_HOUR, 503 while the storage cannot be reached;
never a 500."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.people.service import user_from_token
from umkm_graph.settings import Settings
from umkm_graph.uploads import service as uploads
from umkm_graph.uploads.images import SIZES
from umkm_graph.uploads.storage import CACHE_CONTROL, CONTENT_TYPE, KEY, LocalStorage, MediaStorage, StorageUnavailable

_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.RATE_LIMITED: 429}
_UNAVAILABLE = {"error": {"code": ErrorCode.PROVIDER_ERROR.value, "field": None,
                          "message": "Photo storage is unavailable for a moment; try again shortly"}}
log = logging.getLogger(__name__)


def open_media_storage(settings: Settings) -> MediaStorage:
    """The storage the settings name: an S3-compatible bucket if UMKM_MEDIA_S3_BUCKET is set, else UMKM_MEDIA_DIR."""
    if settings.media.s3_bucket is None:
        return LocalStorage(settings.media_dir)
    from umkm_graph.uploads.s3_storage import S3Storage  # the s3 extra: imported only when a bucket is configured

    return S3Storage(settings.media)


def media_storage(request: Request) -> MediaStorage:
    return request.app.state.media_storage  # type: ignore[no-any-return]


async def receive_upload(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = await user_from_token(token.strip(), settings.secret_key) if scheme.lower() == "bearer" and token else None
    try:
        if user is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Send a valid bearer token to upload")
        upload = await uploads.store_upload(user, await request.body(), media_storage(request),
                                            max_bytes=settings.upload_max_bytes, per_hour=settings.uploads_per_hour)
    except DomainError as error:
        body = {"error": {"code": error.code.value, "field": error.field, "message": error.message}}
        return JSONResponse(body, status_code=_STATUS.get(error.code, 400))
    except StorageUnavailable as error:
        log.warning("upload not kept: %s", error)
        return JSONResponse(_UNAVAILABLE, status_code=503, headers={"Retry-After": "30"})
    urls = {size.lower(): uploads.media_url(upload, size, settings.media.public_url) for size in SIZES}
    return JSONResponse({"id": str(upload.id), "width": upload.width, "height": upload.height, "urls": urls},
                        status_code=201)


async def serve_media(request: Request) -> Response:
    key = f"{request.path_params['sha256']}/{request.path_params['size']}.webp"
    try:
        data = await media_storage(request).get(key) if KEY.fullmatch(key) else None
    except StorageUnavailable as error:
        log.warning("media not served: %s", error)
        return Response("Photo storage is unavailable for a moment", status_code=503, media_type="text/plain",
                        headers={"Retry-After": "30", "Cache-Control": "no-store"})
    if data is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    return Response(data, media_type=CONTENT_TYPE, headers={
        "Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"})

"""GET /receipts/{orderId}.pdf: a paid order's receipt, with the person's bearer token (as for /graphql), in their
language; GET /receipts/verify?token=...: whether a receipt's QR token is genuine, for anyone (what its QR code opens).

The receipt's answers: 200 with the PDF; 401 without a valid token; 404 for an order the person is not on (its buyer,
its shop's seller, a city officer), as for one that does not exist; 409 while the order is unpaid. Errors are JSON:
{"errors": [{"code", "field", "message", "summary"}]}, the summary in the request's language (Accept-Language).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.graphql_common.context import bearer_token
from umkm_graph.graphql_common.ids import id_or_none
from umkm_graph.orders.receipt_pdf import VERIFY_PATH, render_receipt
from umkm_graph.orders.receipts import receipt_of, verify
from umkm_graph.people.models import User
from umkm_graph.people.service import user_from_token
from umkm_graph.settings import Settings
from umkm_graph.translations import DEFAULT_LANGUAGE, language_of, text

_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.NOT_FOUND: 404, ErrorCode.NOT_AVAILABLE: 409}
MAX_TOKEN = 1000


def error_response(request: Request, error: DomainError) -> JSONResponse:
    summary = text("errors", error.code.value, language_of(request.headers.get("accept-language"))) or error.code.value
    body = {"errors": [{"code": error.code.value, "field": error.field, "message": error.message, "summary": summary}]}
    headers = {"WWW-Authenticate": "Bearer"} if error.code == ErrorCode.UNAUTHENTICATED else None
    return JSONResponse(body, status_code=_STATUS.get(error.code, 400), headers=headers)


def public_base_url(request: Request, settings: Settings) -> str:
    return settings.public_url or str(request.base_url).rstrip("/")


async def signed_in(request: Request, settings: Settings, what: str) -> User:
    """The person the request's bearer token names; UNAUTHENTICATED without a valid one."""
    token = bearer_token(request)
    user = await user_from_token(token, settings.secret_key) if token else None
    if user is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED,
                          f"Send a valid bearer token (Authorization: Bearer <token>) to download {what}")
    return user


def private_pdf(pdf: bytes, filename: str) -> Response:
    """A PDF shown in the browser, never cached on the way: it names people."""
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})


async def receipt_pdf(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        user = await signed_in(request, settings, "a receipt")
        order_id = id_or_none(request.path_params["order_id"])
        if order_id is None:  # like any order the person is not on
            raise DomainError(ErrorCode.NOT_FOUND, "No order of yours has this id", "orderId")
        options = request.app.state.providers.payment_options
        cash = {code for code, option in options.items() if option.method.cash_on_delivery}
        receipt = await receipt_of(user, order_id, settings, cash)
    except DomainError as error:
        return error_response(request, error)
    language = user.language.value if user.language is not None else DEFAULT_LANGUAGE
    # About 30 ms of pure-Python drawing: in a thread, so the event loop keeps answering others meanwhile.
    pdf = await run_in_threadpool(render_receipt, receipt, language, public_base_url(request, settings))
    return private_pdf(pdf, f"kuitansi-{receipt.number}.pdf")


async def verify_receipt(request: Request) -> JSONResponse:
    token = request.query_params.get("token", "").strip()
    if not token or len(token) > MAX_TOKEN:
        return error_response(request, DomainError(
            ErrorCode.INVALID, f"token is required, at most {MAX_TOKEN} characters", "token"))
    found = await verify(token, request.app.state.settings)
    if not found.genuine:
        return JSONResponse({"genuine": False})
    paid_at = found.paid_at.isoformat() if found.paid_at is not None else None
    return JSONResponse({"genuine": True, "receipt": {
        "number": found.number, "shop": found.shop_name, "total": found.total, "paidAt": paid_at,
        "refunded": found.refunded}})


def receipt_routes() -> list[Route]:
    return [Route(VERIFY_PATH, verify_receipt, methods=["GET"]),
            Route("/receipts/{order_id}.pdf", receipt_pdf, methods=["GET"])]

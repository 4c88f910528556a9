"""GET /procurements/{id}/{surat-pesanan|bast|kuitansi}.pdf: an office purchase's papers, with the person's bearer
token (as for /graphql); GET /procurements/verify?token=...: whether a paper's QR token is genuine, for anyone (what
its QR code opens).

The papers' answers are the receipts' (receipt_routes.py): 200 with the PDF; 401 without a valid token; 404 for a
procurement the person may not see, as for one that does not exist; 409 for a paper not ready yet.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.graphql_common.ids import id_or_none
from umkm_graph.procurement.papers import MAX_TOKEN, Paper, paper_of, verify
from umkm_graph.procurement.papers_pdf import FILE_NAMES, VERIFY_PATH, render_paper
from umkm_graph.receipt_routes import error_response, private_pdf, public_base_url, signed_in
from umkm_graph.settings import Settings

_PAPERS = {name: paper for paper, name in FILE_NAMES.items()}


async def paper_pdf(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        user = await signed_in(request, settings, "a procurement paper")
        procurement_id, paper = id_or_none(request.path_params["procurement_id"]), _PAPERS.get(
            request.path_params["paper"])
        if procurement_id is None or paper is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No procurement paper you may see is here", "id")
        found = await paper_of(user, procurement_id, paper, settings)
    except DomainError as error:
        return error_response(request, error)
    # Pure-Python drawing: in a thread, so the event loop keeps answering others meanwhile.
    pdf = await run_in_threadpool(render_paper, found, public_base_url(request, settings))
    return private_pdf(pdf, f"{FILE_NAMES[paper]}-{found.number}.pdf")


async def verify_paper(request: Request) -> JSONResponse:
    token = request.query_params.get("token", "").strip()
    if not token or len(token) > MAX_TOKEN:
        return error_response(request, DomainError(
            ErrorCode.INVALID, f"token is required, at most {MAX_TOKEN} characters", "token"))
    found = await verify(token, request.app.state.settings)
    if not found.genuine or found.paper is None:
        return JSONResponse({"genuine": False})
    handed_over = found.handed_over_at.isoformat() if found.handed_over_at is not None else None
    return JSONResponse({"genuine": True, "paper": {
        "kind": found.paper.name, "number": found.number, "opd": found.opd_name, "shop": found.shop_name,
        "total": found.total, "handedOverAt": handed_over}})


def procurement_routes() -> list[Route]:
    return [Route(VERIFY_PATH, verify_paper, methods=["GET"]),
            Route("/procurements/{procurement_id}/{paper}.pdf", paper_pdf, methods=["GET"])]

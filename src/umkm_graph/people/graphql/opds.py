"""The OPD list (anyone reads it, to choose one at registerAsn; a CITY_OFFICER edits it, with history) and the BKPSDM
roster imports (a CITY_OFFICER imports; the city reads their progress and rejected rows)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.people import opds, roster
from umkm_graph.people.access import is_city
from umkm_graph.people.models import Opd, OpdChange, RosterImport
from umkm_graph.people.models import RosterImportStatus as RosterImportStatusModel

RosterImportStatus = strawberry.enum(RosterImportStatusModel, name="RosterImportStatus", description=(
    "RUNNING: parts are still coming (its counts grow with each); DONE: the month's roster; FAILED: its first part "
    "was refused, nothing of it was kept."))


@strawberry.type(name="Opd", description="A city department (organisasi perangkat daerah) on the list the city keeps.")
class OpdType:
    id: strawberry.ID
    code: str = strawberry.field(description="The code the BKPSDM roster names the OPD by, e.g. DISKOMINFO.")
    name: str
    short_name: str = strawberry.field(description="The name figures show, e.g. Diskominfo.")
    parent_id: strawberry.ID | None = strawberry.field(description="The OPD this one belongs to, if any.")
    address: str
    kecamatan: str
    kelurahan: str
    latitude: float | None
    longitude: float | None
    active: bool = strawberry.field(description="Inactive OPDs take no new ASN and are left out of the list.")

    @classmethod
    def from_model(cls, opd: Opd) -> OpdType:
        parent = opd.parent_id  # type: ignore[attr-defined]
        return cls(id=strawberry.ID(str(opd.id)), code=opd.code, name=opd.name, short_name=opd.short_name,
                   parent_id=strawberry.ID(str(parent)) if parent else None, address=opd.address,
                   kecamatan=opd.kecamatan, kelurahan=opd.kelurahan, latitude=opd.latitude,
                   longitude=opd.longitude, active=opd.active)


@strawberry.type(name="OpdChange", description="One field of an OPD set or changed by a city officer.")
class OpdChangeType:
    field: str
    before: str | None
    after: str | None
    changed_at: dt.datetime
    changed_by: str | None = strawberry.field(description="The officer's name.")

    @classmethod
    def from_model(cls, change: OpdChange) -> OpdChangeType:
        by = change.changed_by
        return cls(field=change.field, before=change.before, after=change.after, changed_at=change.changed_at,
                   changed_by=by.name if by else None)


@strawberry.type(name="RosterRejection", description="A row of the roster file that was not taken, and why.")
class RosterRejectionType:
    row: int = strawberry.field(description="The row's line in the file; line 1 is the header.")
    field: str = strawberry.field(description="nip, name, opd_code or grade.")
    reason: str


@strawberry.type(name="RosterImport", description="One import of the BKPSDM roster for a month, and its progress.")
class RosterImportType:
    id: strawberry.ID
    month: str
    status: RosterImportStatus  # type: ignore[valid-type]
    total_rows: int = strawberry.field(description="Rows received so far (the header not counted).")
    processed_rows: int
    accepted_rows: int
    rejected_rows: int
    matched_accounts: int = strawberry.field(description="Registered NIPs the roster lists (VERIFIED ASN); set when "
                                                         "the import is DONE.")
    moved_accounts: int = strawberry.field(description="Accounts whose OPD the roster changed; set when DONE.")
    started_at: dt.datetime
    finished_at: dt.datetime | None
    model: strawberry.Private[RosterImport]

    @classmethod
    def from_model(cls, found: RosterImport) -> RosterImportType:
        return cls(id=strawberry.ID(str(found.id)), month=f"{found.month:%Y-%m}", status=found.status,
                   total_rows=found.total_rows, processed_rows=found.processed_rows,
                   accepted_rows=found.accepted_rows, rejected_rows=found.rejected_rows,
                   matched_accounts=found.matched_accounts, moved_accounts=found.moved_accounts,
                   started_at=found.started_at, finished_at=found.finished_at, model=found)

    @strawberry.field(description=f"The rejected rows, by row (the first {roster.MAX_REJECTIONS_KEPT}).")
    async def rejections(self) -> list[RosterRejectionType]:
        return [RosterRejectionType(row=r.row, field=r.field, reason=r.reason)
                for r in await roster.rejections_of(self.model)]


@strawberry.input(description="An OPD's fields; on update, a field left null stays as it is.")
class OpdInput:
    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    parent_id: strawberry.ID | None = None
    address: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    active: bool | None = None

    def draft(self) -> opds.OpdDraft:
        return opds.OpdDraft(
            code=self.code, name=self.name, short_name=self.short_name,
            parent_id=parse_id(self.parent_id, "parentId") if self.parent_id is not None else None,
            address=self.address, kecamatan=self.kecamatan, kelurahan=self.kelurahan, latitude=self.latitude,
            longitude=self.longitude, active=self.active)


@strawberry.input(description=(
    "A roster file (CSV with the header nip,name,opd_code,grade; BKPSDM's nama, kode_opd, golongan are taken too), "
    "or one part of a large one: each part under the request size limit, each starting with the header line."))
class RosterImportInput:
    csv: str
    month: str | None = strawberry.field(default=None, description="YYYY-MM the roster stands for; this month "
                                                                    "(WIB) by default. Only with the first part.")
    import_id: strawberry.ID | None = strawberry.field(default=None, description="The import a later part belongs to.")
    finish: bool = strawberry.field(default=True, description="False when more parts follow.")


@strawberry.type
class OpdPayload:
    opd: OpdType | None = None
    errors: list[UserError]


@strawberry.type
class RosterImportPayload:
    roster_import: RosterImportType | None = None
    errors: list[UserError]


@strawberry.type
class OpdsQuery:
    @strawberry.field(description="The city's OPD list, by short name: the active ones, or with includeInactive "
                                  "(the city's only) all.")
    async def opds(self, info: Info[Context, None], include_inactive: bool = False) -> list[OpdType]:
        every = include_inactive and is_city(await info.context.user())
        return [OpdType.from_model(o) for o in await (opds.all_opds() if every else opds.active_opds())]

    @strawberry.field(description="Who changed what of an OPD, and when, newest first (the city's only).")
    async def opd_changes(self, info: Info[Context, None], opd_id: strawberry.ID) -> list[OpdChangeType]:
        changes = await opds.opd_changes(await info.context.user(), parse_id(opd_id, "opdId"))
        return [OpdChangeType.from_model(c) for c in changes]

    @strawberry.field(description="One roster import and its progress (the city's only).")
    async def roster_import(self, info: Info[Context, None], id: strawberry.ID) -> RosterImportType:
        return RosterImportType.from_model(await roster.roster_import(await info.context.user(), parse_id(id, "id")))

    @strawberry.field(description="The latest 50 roster imports, newest first (the city's only).")
    async def roster_imports(self, info: Info[Context, None]) -> list[RosterImportType]:
        return [RosterImportType.from_model(r) for r in await roster.roster_imports(await info.context.user())]


@strawberry.type
class OpdsMutation:
    @strawberry.mutation(description="Add an OPD to the list (CITY_OFFICER).")
    async def create_opd(self, info: Info[Context, None], input: OpdInput) -> OpdPayload:
        return await mutate(info, OpdPayload, lambda user: opds.create_opd(user, input.draft()),
                            lambda opd: {"opd": OpdType.from_model(opd)})

    @strawberry.mutation(description="Change an OPD (CITY_OFFICER); each changed field is kept in opdChanges.")
    async def update_opd(self, info: Info[Context, None], id: strawberry.ID, input: OpdInput) -> OpdPayload:
        async def update(user: object) -> Opd:
            return await opds.update_opd(user, parse_id(id, "id"), input.draft())  # type: ignore[arg-type]

        return await mutate(info, OpdPayload, update, lambda opd: {"opd": OpdType.from_model(opd)})

    @strawberry.mutation(description=(
        "Import the BKPSDM roster, or one part of it (CITY_OFFICER). Rows are checked one by one: the rejected ones are "
        "listed with their row, field and reason, the others kept. A registered NIP the roster lists is VERIFIED, and "
        "its OPD follows the roster's. The same file again changes nothing."))
    async def import_roster(self, info: Info[Context, None], input: RosterImportInput) -> RosterImportPayload:
        async def run(user: object) -> RosterImport:
            part_of = parse_id(input.import_id, "importId") if input.import_id is not None else None
            return await roster.import_roster(user, input.csv, month=input.month, import_id=part_of,  # type: ignore[arg-type]
                                              finish=input.finish)

        return await mutate(info, RosterImportPayload, run,
                            lambda found: {"roster_import": RosterImportType.from_model(found)})

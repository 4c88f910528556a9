"""The signed-in person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from umkm_graph.city.participation import asn_progress
from umkm_graph.graphql_common.later import later_class
from umkm_graph.people.graphql.opds import OpdType
from umkm_graph.people.models import Language as LanguageModel
from umkm_graph.people.models import Role as RoleModel
from umkm_graph.people.models import Opd, User
from umkm_graph.people.roster_lookup import AsnStatus as AsnStatusModel
from umkm_graph.people.roster_lookup import asn_status

if TYPE_CHECKING:
    from umkm_graph.city.graphql.types import AsnProgressType

_CITY = "umkm_graph.city.graphql.types"  # the city comes last in the domains' order: its types are reached lazily

Role = strawberry.enum(RoleModel, name="Role")
AsnStatus = strawberry.enum(AsnStatusModel, name="AsnStatus", description=(
    "VERIFIED: the BKPSDM roster lists the NIP; PENDING: it does not (or the city has imported no roster yet)."))
Language = strawberry.enum(LanguageModel, name="Language", description="ID: Bahasa Indonesia; EN: English.")


@strawberry.type(name="User", description="A person with an account; only visible to themselves.")
class UserType:
    id: strawberry.ID
    email: str
    name: str
    phone: str | None
    role: Role = strawberry.field(description="The role the account was made with; `roles` lists all it holds.")  # type: ignore[valid-type]
    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        description="Every role the person holds, the one the account was made with first: a seller may also buy.")
    is_asn: bool = strawberry.field(description="True when the person registered a NIP as a civil servant (ASN).")
    nip: str | None
    opd: str | None = strawberry.field(description="The city department (organisasi perangkat daerah) of an ASN.")
    language: Language = strawberry.field(description="The language the person reads messages in.")  # type: ignore[valid-type]
    model: strawberry.Private[User]

    @classmethod
    def from_model(cls, user: User) -> UserType:
        return cls(
            id=strawberry.ID(str(user.id)), email=user.email, name=user.name, phone=user.phone, role=user.role,
            roles=user.roles,
            is_asn=user.is_asn, nip=user.nip, opd=user.opd, language=user.language or LanguageModel.ID, model=user,
        )

    @strawberry.field(description="Whether the BKPSDM roster lists an ASN's NIP; null for anyone who is not ASN.")
    async def asn_status(self) -> AsnStatus | None:  # type: ignore[valid-type]
        return await asn_status(self.model)

    @strawberry.field(description="An ASN's OPD on the city's list (opd is its short name).")
    async def opd_unit(self) -> OpdType | None:
        unit_id = self.model.opd_unit_id  # type: ignore[attr-defined]
        unit = await Opd.get_or_none(id=unit_id) if unit_id else None
        return OpdType.from_model(unit) if unit else None

    @strawberry.field(description="An ASN's own spend at UMKM in a month (YYYY-MM; this month, WIB, by default) "
                                  "against the city's target; null for anyone who is not ASN.")
    async def asn_progress(
        self, month: str | None = None
    ) -> Annotated[AsnProgressType, strawberry.lazy(_CITY)] | None:
        progress = await asn_progress(self.model, month)
        return later_class(_CITY, "AsnProgressType").from_progress(progress) if progress else None

"""The signed-in person."""

from __future__ import annotations

import strawberry

from umkm_graph.models import Role as RoleModel
from umkm_graph.models import User

Role = strawberry.enum(RoleModel, name="Role")


@strawberry.type(name="User", description="A person with an account; only visible to themselves.")
class UserType:
    id: strawberry.ID
    email: str
    name: str
    phone: str | None
    role: Role  # type: ignore[valid-type]
    is_asn: bool = strawberry.field(description="True when the person registered a NIP as a civil servant (ASN).")
    nip: str | None
    opd: str | None = strawberry.field(description="The city department (organisasi perangkat daerah) of an ASN.")

    @classmethod
    def from_model(cls, user: User) -> UserType:
        return cls(
            id=strawberry.ID(str(user.id)), email=user.email, name=user.name, phone=user.phone, role=user.role,
            is_asn=user.is_asn, nip=user.nip, opd=user.opd,
        )

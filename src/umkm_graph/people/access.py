"""Who may do what: small predicates shared by the services."""

from __future__ import annotations

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.people.models import Role, User


def require_user(user: User | None) -> User:
    if user is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first: send an Authorization: Bearer token")
    return user


def require_role(user: User | None, *roles: Role) -> User:
    user = require_user(user)
    if not user.has_role(*roles):
        names = " or ".join(role.value for role in roles)
        raise DomainError(ErrorCode.FORBIDDEN, f"This needs the {names} role")
    return user


def is_city(user: User | None) -> bool:
    return user is not None and user.role in (Role.CITY_OFFICER, Role.ANALYST)

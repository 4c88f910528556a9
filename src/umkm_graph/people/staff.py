"""The city's own accounts: a CITY_OFFICER creates, lists, deactivates and reactivates officer and analyst accounts
(`umkm-graph users create` does the first from the command line). A deactivated account cannot sign in, and its tokens
stop working at once: deactivating raises its session version."""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import F

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.people.service import create_user

STAFF_ROLES = (Role.CITY_OFFICER, Role.ANALYST)


async def create_staff_account(user: User | None, *, email: str, name: str, role: Role, password: str,
                               min_password_length: int) -> User:
    require_role(user, Role.CITY_OFFICER)
    if role not in STAFF_ROLES:
        raise DomainError(ErrorCode.INVALID, "Staff accounts are CITY_OFFICER or ANALYST; buyers and sellers register "
                          "themselves", "input.role")
    return await create_user(email=email, password=password, name=name, role=role,
                             min_password_length=min_password_length)


async def staff_accounts(user: User | None, window: Window, *, active: bool | None = None) -> Page[User]:
    """The city's accounts, oldest first; `active` narrows to those (not) deactivated."""
    require_role(user, Role.CITY_OFFICER)
    query = User.filter(role__in=STAFF_ROLES)
    if active is not None:
        query = query.filter(deactivated_at__isnull=active)
    return await page_of(query, window, ("created_at", "id"))


async def set_active(user: User | None, account_id: int, active: bool) -> User:
    """Deactivate (signing out every session at once) or reactivate a staff account; never one's own."""
    officer = require_role(user, Role.CITY_OFFICER)
    account = await User.get_or_none(id=account_id)
    if account is None or account.role not in STAFF_ROLES:
        raise DomainError(ErrorCode.NOT_FOUND, "No officer or analyst account has this id", "id")
    if account.id == officer.id:
        raise DomainError(ErrorCode.INVALID, "An officer cannot deactivate their own account; ask another", "id")
    if active:
        await User.filter(id=account.id).update(deactivated_at=None)
    else:
        await User.filter(id=account.id, deactivated_at__isnull=True).update(
            deactivated_at=dt.datetime.now(dt.UTC), session_version=F("session_version") + 1)
    await account.refresh_from_db()
    return account

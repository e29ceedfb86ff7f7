"""Staff accounts: roles, argon2id password hashes, creation and authentication."""

from __future__ import annotations

import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import StaffAccount
from bot.i18n import N_

ADMIN: Final = "admin"
EDITOR: Final = "editor"
OPERATOR: Final = "operator"
ROLES: Final = (ADMIN, EDITOR, OPERATOR)
#: Role -> its name in the console (translated there).
ROLE_NAMES: Final = {
    # TRANSLATORS: a staff console role
    ADMIN: N_("administrator"),
    # TRANSLATORS: a staff console role: edits articles
    EDITOR: N_("editor"),
    # TRANSLATORS: a staff console role: answers migrants' tickets
    OPERATOR: N_("operator"),
}
MIN_PASSWORD_LENGTH: Final = 10

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so that timing does not reveal accounts.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account cannot be created as asked (the message says why)."""


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def new_password() -> str:
    """A random password to hand over once (the person should change it)."""
    return secrets.token_urlsafe(12)


async def create(
    session: AsyncSession, username: str, role: str, password: str, language: str = "ru"
) -> StaffAccount:
    """A new account; raises ``AccountError`` for a taken name, a bad role or a short password."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable():
        raise AccountError("the username must be 1 to 64 printable characters")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    taken = await session.scalar(
        select(StaffAccount.id).where(func.lower(StaffAccount.username) == username.lower())
    )
    if taken is not None:
        raise AccountError(f"the username {username!r} is taken")
    account = StaffAccount(
        username=username, password_hash=hash_password(password), role=role, language=language
    )
    session.add(account)
    await session.flush()
    return account


async def authenticate(session: AsyncSession, username: str, password: str) -> StaffAccount | None:
    """The active account with this username and password, else ``None``."""
    account = await session.scalar(
        select(StaffAccount).where(func.lower(StaffAccount.username) == username.strip().lower())
    )
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = utcnow()
    return account


async def count(session: AsyncSession) -> int:
    """How many accounts exist."""
    return int(await session.scalar(select(func.count(StaffAccount.id))) or 0)

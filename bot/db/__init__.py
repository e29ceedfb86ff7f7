"""The database: typed SQLAlchemy 2 models, one session factory built at start-up, Alembic."""

from bot.db.base import Base
from bot.db.session import Database

__all__ = ["Base", "Database"]

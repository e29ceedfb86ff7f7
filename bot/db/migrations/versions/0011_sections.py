"""Answers by section: the section a message was answered with, the section a 👍/👎 was given
on, and the section a staff training phrase belongs to.

Revision ID: 0011_sections
Revises: 0010_sourced_knowledge
Create Date: 2026-11-30 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_sections"
down_revision: str | None = "0010_sourced_knowledge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("messages", "feedback", "training_phrases")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("section", sa.String(length=32), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("section")

"""Inbound Telegram updates: each handled once, none lost across a restart.

Revision ID: 0004_inbound_updates
Revises: 0003_messages_feedback
Create Date: 2026-11-23 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_inbound_updates"
down_revision: str | None = "0003_messages_feedback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbound_updates")),
    )
    with op.batch_alter_table("inbound_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_updates_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_updates_received_at"))
    op.drop_table("inbound_updates")

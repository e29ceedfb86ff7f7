"""Personal reminders of the patent's payment, the registration and the stay (issue 15).

Revision ID: 0012_reminders
Revises: 0011_sections
Create Date: 2026-11-30 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_reminders"
down_revision: str | None = "0011_sections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_step", sa.Integer(), nullable=True),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('patent', 'registration', 'stay')", name=op.f("ck_reminders_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_reminders_user_id_kind")),
    )
    op.create_index(op.f("ix_reminders_user_id"), "reminders", ["user_id"])
    op.create_index(op.f("ix_reminders_next_at"), "reminders", ["next_at"])
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
    )
    op.create_index(op.f("ix_reminders_sent_sent_at"), "reminders_sent", ["sent_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reminders_sent_sent_at"), table_name="reminders_sent")
    op.drop_table("reminders_sent")
    op.drop_index(op.f("ix_reminders_next_at"), table_name="reminders")
    op.drop_index(op.f("ix_reminders_user_id"), table_name="reminders")
    op.drop_table("reminders")

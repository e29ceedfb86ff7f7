"""Operators answer faster and migrants know where they stand (issue 16): when an operator first
saw a request and when the migrant was told, once, that the answer is late; staff's grades of
the bot's answers; saved replies.

Revision ID: 0013_operators
Revises: 0012_reminders
Create Date: 2026-11-30 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_operators"
down_revision: str | None = "0012_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("apologized_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "answer_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("section", sa.String(length=32), nullable=True),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("graded_by", sa.String(length=64), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "grade IN ('right', 'partly', 'wrong')", name=op.f("ck_answer_grades_grade")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_answer_grades_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_grades")),
        sa.UniqueConstraint("message_id", name=op.f("uq_answer_grades_message_id")),
    )
    op.create_index(op.f("ix_answer_grades_graded_at"), "answer_grades", ["graded_at"])
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text_tg", sa.Text(), nullable=True),
        sa.Column("text_ru", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_replies")),
    )


def downgrade() -> None:
    op.drop_table("saved_replies")
    op.drop_index(op.f("ix_answer_grades_graded_at"), table_name="answer_grades")
    op.drop_table("answer_grades")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("apologized_at")
        batch_op.drop_column("seen_at")

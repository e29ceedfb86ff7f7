"""Knowledge a migrant can act on: sources with their kind and dates, facts with keys, kinds and
check dates, the contacts registry, and retirement instead of deletion.

Revision ID: 0010_sourced_knowledge
Revises: 0009_user_conversation
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_sourced_knowledge"
down_revision: str | None = "0009_user_conversation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="other", nullable=False)
        )
        batch_op.add_column(sa.Column("published", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("accessed", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("retired", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
    with op.batch_alter_table("article_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="text", nullable=False)
        )
        batch_op.add_column(sa.Column("checked", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("retired", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_article_facts_key"), ["key"], unique=False)
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("group", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("telegram", sa.String(length=200), nullable=True),
        sa.Column("source_title", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("checked", sa.Date(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("key", name=op.f("uq_contacts_key")),
    )


def downgrade() -> None:
    op.drop_table("contacts")
    with op.batch_alter_table("article_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_facts_key"))
        for column in ("retired", "country", "checked", "kind", "key"):
            batch_op.drop_column(column)
    with op.batch_alter_table("article_sources", schema=None) as batch_op:
        for column in ("retired", "accessed", "published", "kind"):
            batch_op.drop_column(column)

"""Triage, consent record and campaign fields on leads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def columns() -> list[sa.Column[Any]]:
    """New Column objects on each call: a Column belongs to the first table it is added to."""
    return [
        sa.Column("age_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("antidepressants_tried", sa.String(10), nullable=True),
        sa.Column("preferred_contact_time", sa.String(100), nullable=True),
        sa.Column("payment_method", sa.String(20), nullable=True),
        sa.Column("consent_text_version", sa.String(20), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_call", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("consent_text", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("consent_email", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("in_service_area", sa.Boolean(), nullable=True),
        sa.Column("distance_miles", sa.Float(), nullable=True),
        sa.Column("nearest_clinic", sa.String(100), nullable=True),
        sa.Column("qualified", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("suggested_consult", sa.String(300), nullable=True),
        sa.Column("utm_source", sa.String(100), nullable=True),
        sa.Column("utm_medium", sa.String(100), nullable=True),
        sa.Column("utm_campaign", sa.String(100), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        for column in columns():
            batch.add_column(column)
    op.create_index("ix_leads_urgent", "leads", ["urgent"])


def downgrade() -> None:
    op.drop_index("ix_leads_urgent", "leads")
    with op.batch_alter_table("leads") as batch:
        for column in columns():
            batch.drop_column(column.name)

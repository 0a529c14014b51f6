"""A likely repeat is a lead of its own, linked to the earlier lead with the same phone or email.

Repeat contacts stored before (lead_contacts) stay on their lead, shown as merged before this
change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("repeat_of_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_leads_repeat_of_id", "leads", ["repeat_of_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_leads_repeat_of_id", ["repeat_of_id"])


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_repeat_of_id")
        batch.drop_constraint("fk_leads_repeat_of_id", type_="foreignkey")
        batch.drop_column("repeat_of_id")

"""The crisis reply a lead's conversation drew: tier, category and the visitor message's number.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("crisis_tier", sa.String(10), nullable=True))
        batch.add_column(sa.Column("crisis_category", sa.String(32), nullable=True))
        batch.add_column(sa.Column("crisis_turn", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("crisis_turn")
        batch.drop_column("crisis_category")
        batch.drop_column("crisis_tier")

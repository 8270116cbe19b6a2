"""a document's warnings; numbers issued outside the system; organisation names by date

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 06:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('documents', sa.Column('warnings', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('documents', 'warnings')

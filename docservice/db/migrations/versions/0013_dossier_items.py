"""which paper of the member dossier's checklist a record is

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('records', sa.Column('dossier_item', sa.String(length=48), nullable=True))


def downgrade() -> None:
    op.drop_column('records', 'dossier_item')

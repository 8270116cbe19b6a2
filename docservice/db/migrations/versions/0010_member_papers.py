"""member papers follow the record: ceremony and decision dates, the paper behind a change, minutes read back

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('members', sa.Column('admission_decided_on', sa.Date(), nullable=True))
    op.add_column('meetings', sa.Column('minutes_read_back', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    with op.batch_alter_table('member_changes') as batch:
        batch.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_member_changes_document_id_documents'), 'documents',
                                 ['document_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('member_changes') as batch:
        batch.drop_constraint(op.f('fk_member_changes_document_id_documents'), type_='foreignkey')
        batch.drop_column('document_id')
    op.drop_column('meetings', 'minutes_read_back')
    op.drop_column('members', 'admission_decided_on')

"""numbers issued outside the system; organisation names by date

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'register_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('doc_type', sa.String(length=32), nullable=False),
        sa.Column('term_id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('confidentiality', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_register_entries_organization_id_organizations')),
        sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_register_entries_term_id_terms')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_register_entries_created_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
        sa.UniqueConstraint('organization_id', 'doc_type', 'term_id', 'sequence',
                            name=op.f('uq_register_entries_organization_id')),
    )
    op.create_table(
        'organization_names',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('header_name', sa.String(length=255), nullable=True),
        sa.Column('superior_name', sa.String(length=255), nullable=True),
        sa.Column('place', sa.String(length=128), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_organization_names_organization_id_organizations')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_organization_names_created_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_names')),
        sa.UniqueConstraint('organization_id', 'effective_on', name=op.f('uq_organization_names_organization_id')),
    )
    op.create_index(op.f('ix_organization_names_organization_id'), 'organization_names', ['organization_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_organization_names_organization_id'), table_name='organization_names')
    op.drop_table('organization_names')
    op.drop_table('register_entries')

"""account lockout fields; the audit trail becomes append-only in the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 23:30:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_MESSAGE = "audit_events is append-only"


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('audit_events') as batch:
        batch.add_column(sa.Column('detail', sa.String(length=255), nullable=True))
    # a record page looks for the version that supersedes it: without this, a scan of every record
    op.create_index('ix_records_supersedes_id', 'records', ['supersedes_id'])
    op.create_index('ix_audit_events_remote_addr_at', 'audit_events', ['remote_addr', 'at'])
    op.create_index('ix_audit_events_username_at', 'audit_events', ['username', 'at'])
    # Nobody changes or removes an audit event through the database connection the service uses —
    # administrators included. (Someone with the database owner's rights can drop the trigger; the
    # hash chain is what then shows the change: `docservice audit verify`.)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$""")
        op.execute("""
            CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""")
        op.execute("""
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""")
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
                BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
    op.drop_index('ix_audit_events_username_at', 'audit_events')
    op.drop_index('ix_records_supersedes_id', 'records')
    op.drop_index('ix_audit_events_remote_addr_at', 'audit_events')
    with op.batch_alter_table('audit_events') as batch:
        batch.drop_column('detail')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('password_changed_at')
        batch.drop_column('last_login_at')
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')

"""Satgas queue: its two orders (newest sent; most recently happened) read off
expression indexes on PostgreSQL instead of sorting every report

Revision ID: 7b9d1f3a5c6e
Revises: 5a7c9e1f2b4d
Create Date: 2026-12-02 05:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7b9d1f3a5c6e'
down_revision = '5a7c9e1f2b4d'
branch_labels = None
depends_on = None

OPEN_URGENT = "(urgent AND status <> 'closed')"  # as in community/reports/models.py


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE INDEX ix_reports_queue_sent ON reports ({OPEN_URGENT} DESC, created_at DESC, id DESC)")
        op.execute(f"CREATE INDEX ix_reports_queue_happened ON reports "
                   f"({OPEN_URGENT} DESC, happened_on DESC NULLS LAST, created_at DESC, id DESC)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_reports_queue_happened")
        op.execute("DROP INDEX ix_reports_queue_sent")

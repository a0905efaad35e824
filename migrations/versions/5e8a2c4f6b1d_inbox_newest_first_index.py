"""Inbox: a member's notices read newest first off an index (user_id,
created_at, id), read backwards, instead of sorting the whole inbox

Revision ID: 5e8a2c4f6b1d
Revises: 9c1e3a5b7d2f
Create Date: 2026-12-02 20:58:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e8a2c4f6b1d'
down_revision = '9c1e3a5b7d2f'
branch_labels = None
depends_on = None


def upgrade():
    # IF NOT EXISTS: the bench sets got this index by hand (CREATE INDEX
    # CONCURRENTLY) before the migration landed.
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at', 'id'], unique=False,
                              if_not_exists=True)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_created')

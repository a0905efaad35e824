"""forum: threads remember safe rooms, posts remember hides by reports, crisis phrases

Revision ID: c1a7e2f0b3d4
Revises: e79153705945
Create Date: 2026-12-01 20:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = 'c1a7e2f0b3d4'
down_revision = 'e79153705945'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('community_threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('was_in_safe_room', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('community_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_by_reports', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Threads in a safe room today, or holding an anonymous post, keep the inbox-only rule.
    op.execute(
        "UPDATE community_threads SET was_in_safe_room = true WHERE category_id IN "
        "(SELECT id FROM community_categories WHERE is_safe_room = true) OR id IN "
        "(SELECT thread_id FROM community_posts WHERE is_anonymous = true)"
    )
    op.execute(
        "UPDATE community_posts SET hidden_by_reports = true WHERE status = 'hidden' AND id IN "
        "(SELECT post_id FROM community_moderation_log m WHERE action = 'auto_hide' AND id = "
        "(SELECT max(id) FROM community_moderation_log l WHERE l.post_id = m.post_id AND "
        "l.action IN ('auto_hide', 'hide', 'reject', 'unhide')))"
    )
    # "dijual" alone marked every sales post as a crisis: phrases in context instead.
    op.execute("DELETE FROM community_crisis_terms WHERE phrase = 'dijual'")
    terms = sa.table('community_crisis_terms', sa.column('phrase', sa.String), sa.column('created_at', sa.DateTime))
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM community_crisis_terms")).scalar():
        existing = set(bind.execute(sa.text("SELECT phrase FROM community_crisis_terms")).scalars())
        now = datetime.now(UTC).replace(tzinfo=None)  # UTCDateTime stores naive UTC
        for phrase in ("dijual ke", "dijual oleh agen", "dijual agen"):
            if phrase not in existing:
                op.execute(terms.insert().values(phrase=phrase, created_at=now))


def downgrade():
    with op.batch_alter_table('community_posts', schema=None) as batch_op:
        batch_op.drop_column('hidden_by_reports')
    with op.batch_alter_table('community_threads', schema=None) as batch_op:
        batch_op.drop_column('was_in_safe_room')

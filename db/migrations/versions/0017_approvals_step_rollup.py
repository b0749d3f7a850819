"""approvals step rollup: finished steps per start month, item, district and label with their working days
summed, so that the statistics page's step durations read a few thousand rows instead of every step; and
an index on the submission time for the statistics' year filter

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ap_rollup_step',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('work_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'item_code', 'district_code', 'label', name=op.f('pk_ap_rollup_step'))
    )
    op.create_index(op.f('ix_ap_case_submitted_at'), 'ap_case', ['submitted_at'], unique=False,
                    postgresql_include=['item_code', 'district_code', 'state', 'composite_parent_id', 'decided_at',
                                        'due_date', 'step_due'])
    # Count the steps already there (none on a new install) with the engine's own rule.
    from workflow.approvals import rebuild_step_rollup

    rebuild_step_rollup(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f('ix_ap_case_submitted_at'), table_name='ap_case')
    op.drop_table('ap_rollup_step')

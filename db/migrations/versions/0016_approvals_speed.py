"""approvals speed: index the two foreign keys to ap_certificate (renewal chains, supervision tasks), so
deleting or checking certificates at city scale does not scan every certificate and task per row

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_ap_certificate_previous_id'), 'ap_certificate', ['previous_id'], unique=False)
    op.create_index(op.f('ix_ap_supervision_task_certificate_id'), 'ap_supervision_task', ['certificate_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ap_supervision_task_certificate_id'), table_name='ap_supervision_task')
    op.drop_index(op.f('ix_ap_certificate_previous_id'), table_name='ap_certificate')

"""approvals intake key: the intake API's idempotency key as a unique column, so that two requests carrying
the same sender case id at the same moment cannot both create a case

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ap_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_key', sa.String(length=96), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_ap_case_intake_key'), ['intake_key'])
    # API cases filed before this revision carry the key in their applicant name ("api:<client>:<id>").
    op.execute("UPDATE ap_case SET intake_key = substr(applicant_username, 5) "
               "WHERE applicant_username LIKE 'api:%' AND composite_parent_id IS NULL AND channel = 'api'")


def downgrade() -> None:
    with op.batch_alter_table('ap_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_ap_case_intake_key'), type_='unique')
        batch_op.drop_column('intake_key')

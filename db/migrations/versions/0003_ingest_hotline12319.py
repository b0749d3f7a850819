"""ingest and hotline12319

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hotline12319_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_no', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline12319_event'))
    )
    with op.batch_alter_table('hotline12319_event', schema=None) as batch_op:
        batch_op.create_index('ix_h12319_event_ticket', ['ticket_no', 'at'], unique=False)

    op.create_table('hotline12319_rollup_category',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('business_line', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('closed_on_time', sa.Integer(), nullable=False),
    sa.Column('supervised', sa.Integer(), nullable=False),
    sa.Column('evaluated', sa.Integer(), nullable=False),
    sa.Column('responded', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('basically_satisfied', sa.Integer(), nullable=False),
    sa.Column('handling_hours', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'business_line', 'category', name=op.f('pk_hotline12319_rollup_category'))
    )
    op.create_table('hotline12319_rollup_line',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('business_line', sa.String(length=16), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('closed_on_time', sa.Integer(), nullable=False),
    sa.Column('supervised', sa.Integer(), nullable=False),
    sa.Column('evaluated', sa.Integer(), nullable=False),
    sa.Column('responded', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('basically_satisfied', sa.Integer(), nullable=False),
    sa.Column('handling_hours', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'business_line', name=op.f('pk_hotline12319_rollup_line'))
    )
    op.create_table('hotline12319_rollup_street',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('street_code', sa.String(length=9), nullable=False),
    sa.Column('business_line', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('closed_on_time', sa.Integer(), nullable=False),
    sa.Column('supervised', sa.Integer(), nullable=False),
    sa.Column('evaluated', sa.Integer(), nullable=False),
    sa.Column('responded', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('basically_satisfied', sa.Integer(), nullable=False),
    sa.Column('handling_hours', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'street_code', 'business_line', name=op.f('pk_hotline12319_rollup_street'))
    )
    with op.batch_alter_table('hotline12319_rollup_street', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotline12319_rollup_street_district_code'), ['district_code'], unique=False)

    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sm3', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('file_format', sa.String(length=16), nullable=False),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('source_ip', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_dataset'), ['dataset'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batch_file_sm3'), ['file_sm3'], unique=False)

    op.create_table('quarantine_row',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_quarantine_row_batch_id_import_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine_row'))
    )
    with op.batch_alter_table('quarantine_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_row_batch_id'), ['batch_id'], unique=False)

    op.create_table('hotline12319_ticket',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_no', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_month', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('caller_name', sa.Text(), nullable=True),
    sa.Column('caller_phone', sa.Text(), nullable=True),
    sa.Column('caller_phone_index', sa.String(length=64), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('street_code', sa.String(length=9), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('business_line', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('subcategory', sa.String(length=64), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('supervised', sa.Boolean(), nullable=False),
    sa.Column('hot', sa.Boolean(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=False),
    sa.Column('handling_unit', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('eval_responded', sa.Boolean(), nullable=True),
    sa.Column('eval_resolved', sa.Boolean(), nullable=True),
    sa.Column('eval_satisfaction', sa.String(length=8), nullable=True),
    sa.Column('repeat_of', sa.String(length=32), nullable=True),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_hotline12319_ticket_district_code_district')),
    sa.ForeignKeyConstraint(['street_code'], ['street.code'], name=op.f('fk_hotline12319_ticket_street_code_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline12319_ticket')),
    sa.UniqueConstraint('ticket_no', name=op.f('uq_hotline12319_ticket_ticket_no'))
    )
    with op.batch_alter_table('hotline12319_ticket', schema=None) as batch_op:
        batch_op.create_index('ix_h12319_hot', ['hot', 'received_at'], unique=False)
        batch_op.create_index('ix_h12319_month_district_line', ['received_month', 'district_code', 'business_line'], unique=False)
        batch_op.create_index('ix_h12319_open_deadline', ['status', 'deadline_at'], unique=False)
        batch_op.create_index('ix_h12319_supervised', ['supervised', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hotline12319_ticket_caller_phone_index'), ['caller_phone_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_hotline12319_ticket_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_hotline12319_ticket_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hotline12319_ticket_street_code'), ['street_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('hotline12319_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotline12319_ticket_street_code'))
        batch_op.drop_index(batch_op.f('ix_hotline12319_ticket_received_at'))
        batch_op.drop_index(batch_op.f('ix_hotline12319_ticket_district_code'))
        batch_op.drop_index(batch_op.f('ix_hotline12319_ticket_caller_phone_index'))
        batch_op.drop_index('ix_h12319_supervised')
        batch_op.drop_index('ix_h12319_open_deadline')
        batch_op.drop_index('ix_h12319_month_district_line')
        batch_op.drop_index('ix_h12319_hot')

    op.drop_table('hotline12319_ticket')
    with op.batch_alter_table('quarantine_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_row_batch_id'))

    op.drop_table('quarantine_row')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_file_sm3'))
        batch_op.drop_index(batch_op.f('ix_import_batch_dataset'))

    op.drop_table('import_batch')
    with op.batch_alter_table('hotline12319_rollup_street', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotline12319_rollup_street_district_code'))

    op.drop_table('hotline12319_rollup_street')
    op.drop_table('hotline12319_rollup_line')
    op.drop_table('hotline12319_rollup_category')
    with op.batch_alter_table('hotline12319_event', schema=None) as batch_op:
        batch_op.drop_index('ix_h12319_event_ticket')

    op.drop_table('hotline12319_event')

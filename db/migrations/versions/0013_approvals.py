"""approvals engine: cases, steps, materials, documents, certificates, supervision, planned advertising
sites, the non-convention species library and forest vegetation restoration fee assessments (issue 6)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ap_species',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('scientific_name', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('protection_level', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_species')),
    sa.UniqueConstraint('name', name=op.f('uq_ap_species_name'))
    )
    op.create_table('ap_ad_site',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('street', sa.String(length=64), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('size', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_ap_ad_site_district_code_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_ad_site')),
    sa.UniqueConstraint('code', name=op.f('uq_ap_ad_site_code'))
    )
    op.create_index(op.f('ix_ap_ad_site_district_code'), 'ap_ad_site', ['district_code'], unique=False)
    op.create_table('ap_case',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_no', sa.String(length=32), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('sub_item_code', sa.String(length=40), nullable=False),
    sa.Column('situation_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('parent_certificate_id', sa.Integer(), nullable=True),
    sa.Column('composite_parent_id', sa.Integer(), nullable=True),
    sa.Column('applicant_username', sa.String(length=64), nullable=False),
    sa.Column('applicant_type', sa.String(length=16), nullable=False),
    sa.Column('applicant_name', sa.String(length=128), nullable=False),
    sa.Column('applicant_credit_code', sa.String(length=18), nullable=False),
    sa.Column('contact_phone', sa.Text(), nullable=True),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('current_step', sa.String(length=32), nullable=True),
    sa.Column('step_permission', sa.String(length=64), nullable=True),
    sa.Column('step_due', sa.Date(), nullable=True),
    sa.Column('form', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('paused_on', sa.Date(), nullable=True),
    sa.Column('suspended_days', sa.Integer(), nullable=False),
    sa.Column('sync_seq', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['composite_parent_id'], ['ap_case.id'], name=op.f('fk_ap_case_composite_parent_id_ap_case')),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_ap_case_district_code_district')),
    sa.ForeignKeyConstraint(['parent_id'], ['ap_case.id'], name=op.f('fk_ap_case_parent_id_ap_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_case')),
    sa.UniqueConstraint('case_no', name=op.f('uq_ap_case_case_no'))
    )
    op.create_index(op.f('ix_ap_case_applicant_username'), 'ap_case', ['applicant_username'], unique=False)
    op.create_index(op.f('ix_ap_case_composite_parent_id'), 'ap_case', ['composite_parent_id'], unique=False)
    op.create_index('ix_ap_case_item_state', 'ap_case', ['item_code', 'state'], unique=False)
    op.create_index(op.f('ix_ap_case_parent_id'), 'ap_case', ['parent_id'], unique=False)
    op.create_index('ix_ap_case_todo', 'ap_case', ['state', 'level', 'district_code', 'step_due'], unique=False)
    op.create_index('ix_ap_case_todo_permission', 'ap_case', ['state', 'step_permission', 'step_due'], unique=False)
    op.create_table('ap_certificate',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('holder_credit_code', sa.String(length=18), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('national_code', sa.String(length=64), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ap_case.id'], name=op.f('fk_ap_certificate_case_id_ap_case')),
    sa.ForeignKeyConstraint(['previous_id'], ['ap_certificate.id'], name=op.f('fk_ap_certificate_previous_id_ap_certificate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_certificate')),
    sa.UniqueConstraint('national_code', name=op.f('uq_ap_certificate_national_code')),
    sa.UniqueConstraint('number', name=op.f('uq_ap_certificate_number'))
    )
    op.create_index(op.f('ix_ap_certificate_case_id'), 'ap_certificate', ['case_id'], unique=False)
    op.create_index(op.f('ix_ap_certificate_holder_credit_code'), 'ap_certificate', ['holder_credit_code'], unique=False)
    op.create_table('ap_document',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('draft_text', sa.Text(), nullable=False),
    sa.Column('docx_path', sa.String(length=255), nullable=True),
    sa.Column('pdf_path', sa.String(length=255), nullable=True),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ap_case.id'], name=op.f('fk_ap_document_case_id_ap_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_document')),
    sa.UniqueConstraint('case_id', 'kind', name='uq_ap_document_case_id')
    )
    op.create_table('ap_fee_assessment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('land_type', sa.String(length=32), nullable=False),
    sa.Column('rate', sa.Float(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('notice_no', sa.String(length=64), nullable=True),
    sa.Column('sealed', sa.Boolean(), nullable=False),
    sa.Column('sms_sent', sa.Boolean(), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('tax_reference', sa.String(length=64), nullable=True),
    sa.Column('assessed_by', sa.String(length=64), nullable=False),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['ap_case.id'], name=op.f('fk_ap_fee_assessment_case_id_ap_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_fee_assessment')),
    sa.UniqueConstraint('case_id', name=op.f('uq_ap_fee_assessment_case_id')),
    sa.UniqueConstraint('notice_no', name=op.f('uq_ap_fee_assessment_notice_no'))
    )
    op.create_table('ap_material',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sm3', sa.String(length=64), nullable=False),
    sa.Column('stored_path', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ap_case.id'], name=op.f('fk_ap_material_case_id_ap_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_material'))
    )
    op.create_index(op.f('ix_ap_material_case_id'), 'ap_material', ['case_id'], unique=False)
    op.create_table('ap_step',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('permission', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['ap_case.id'], name=op.f('fk_ap_step_case_id_ap_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_step')),
    sa.UniqueConstraint('case_id', 'seq', name='uq_ap_step_case_id')
    )
    op.create_table('ap_supervision_task',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['ap_case.id'], name=op.f('fk_ap_supervision_task_case_id_ap_case')),
    sa.ForeignKeyConstraint(['certificate_id'], ['ap_certificate.id'], name=op.f('fk_ap_supervision_task_certificate_id_ap_certificate')),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_ap_supervision_task_district_code_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_supervision_task'))
    )
    op.create_index(op.f('ix_ap_supervision_task_case_id'), 'ap_supervision_task', ['case_id'], unique=False)
    op.create_index('ix_ap_supervision_task_district_state', 'ap_supervision_task', ['district_code', 'state'], unique=False)
    op.create_table('ap_supervision_record',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['ap_supervision_task.id'], name=op.f('fk_ap_supervision_record_task_id_ap_supervision_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_supervision_record'))
    )
    op.create_index(op.f('ix_ap_supervision_record_task_id'), 'ap_supervision_record', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ap_supervision_record_task_id'), table_name='ap_supervision_record')
    op.drop_table('ap_supervision_record')
    op.drop_index('ix_ap_supervision_task_district_state', table_name='ap_supervision_task')
    op.drop_index(op.f('ix_ap_supervision_task_case_id'), table_name='ap_supervision_task')
    op.drop_table('ap_supervision_task')
    op.drop_table('ap_step')
    op.drop_index(op.f('ix_ap_material_case_id'), table_name='ap_material')
    op.drop_table('ap_material')
    op.drop_table('ap_fee_assessment')
    op.drop_table('ap_document')
    op.drop_index(op.f('ix_ap_certificate_holder_credit_code'), table_name='ap_certificate')
    op.drop_index(op.f('ix_ap_certificate_case_id'), table_name='ap_certificate')
    op.drop_table('ap_certificate')
    op.drop_index('ix_ap_case_todo_permission', table_name='ap_case')
    op.drop_index('ix_ap_case_todo', table_name='ap_case')
    op.drop_index(op.f('ix_ap_case_parent_id'), table_name='ap_case')
    op.drop_index('ix_ap_case_item_state', table_name='ap_case')
    op.drop_index(op.f('ix_ap_case_composite_parent_id'), table_name='ap_case')
    op.drop_index(op.f('ix_ap_case_applicant_username'), table_name='ap_case')
    op.drop_table('ap_case')
    op.drop_index(op.f('ix_ap_ad_site_district_code'), table_name='ap_ad_site')
    op.drop_table('ap_ad_site')
    op.drop_table('ap_species')

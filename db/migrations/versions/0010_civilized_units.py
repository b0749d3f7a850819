"""civilized units subsystem tables (modules 1-19) and the shared workflow tables (history, to-dos, messages)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('civ_association',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('industry', sa.String(length=32), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_association')),
    sa.UniqueConstraint('industry', name=op.f('uq_civ_association_industry')),
    sa.UniqueConstraint('name', name=op.f('uq_civ_association_name'))
    )
    op.create_index(op.f('ix_civ_association_account'), 'civ_association', ['account'], unique=False)
    op.create_table('civ_cycle',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('pre_open_from', sa.Date(), nullable=True),
    sa.Column('pre_open_to', sa.Date(), nullable=True),
    sa.Column('eligible_natures', sa.String(length=64), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('elimination_ratio', sa.Float(), nullable=False),
    sa.Column('elimination_threshold', sa.Float(), nullable=True),
    sa.Column('association_weight', sa.Float(), nullable=False),
    sa.Column('pre_open', sa.Boolean(), nullable=False),
    sa.Column('formal_open', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_cycle')),
    sa.UniqueConstraint('name', name=op.f('uq_civ_cycle_name'))
    )
    op.create_table('civ_department',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_department')),
    sa.UniqueConstraint('name', name=op.f('uq_civ_department_name'))
    )
    op.create_index(op.f('ix_civ_department_account'), 'civ_department', ['account'], unique=False)
    op.create_table('civ_event_type',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('effect', sa.String(length=16), nullable=False),
    sa.Column('deduction', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_event_type')),
    sa.UniqueConstraint('name', name=op.f('uq_civ_event_type_name'))
    )
    op.create_table('civ_rollup_indicator',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('cycle_id', 'indicator_id', 'stage', name=op.f('pk_civ_rollup_indicator'))
    )
    op.create_table('wf_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_type', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=False),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_history'))
    )
    op.create_index('ix_wf_history_item', 'wf_history', ['item_type', 'item_id'], unique=False)
    op.create_table('wf_message',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_message'))
    )
    op.create_index('ix_wf_message_user', 'wf_message', ['username', 'created_at'], unique=False)
    op.create_table('wf_todo',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('permission', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('link', sa.String(length=255), nullable=False),
    sa.Column('item_type', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_todo'))
    )
    op.create_index('ix_wf_todo_item', 'wf_todo', ['item_type', 'item_id'], unique=False)
    op.create_index('ix_wf_todo_open_user', 'wf_todo', ['done_at', 'username'], unique=False)
    op.create_table('civ_decision',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('doc_no', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['civ_cycle.id'], name=op.f('fk_civ_decision_cycle_id_civ_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_decision')),
    sa.UniqueConstraint('doc_no', name=op.f('uq_civ_decision_doc_no'))
    )
    op.create_index(op.f('ix_civ_decision_cycle_id'), 'civ_decision', ['cycle_id'], unique=False)
    op.create_table('civ_indicator_version',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('total_score', sa.Float(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['civ_cycle.id'], name=op.f('fk_civ_indicator_version_cycle_id_civ_cycle')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_indicator_version')),
    sa.UniqueConstraint('cycle_id', 'version', name='uq_civ_indicator_version_cycle_id')
    )
    op.create_table('civ_unit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('nature', sa.String(length=16), nullable=False),
    sa.Column('industry', sa.String(length=32), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=32), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.Column('registered_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['civ_association.id'], name=op.f('fk_civ_unit_association_id_civ_association')),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_civ_unit_district_code_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_unit')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_civ_unit_credit_code')),
    sa.UniqueConstraint('name', name=op.f('uq_civ_unit_name'))
    )
    op.create_index(op.f('ix_civ_unit_account'), 'civ_unit', ['account'], unique=False)
    op.create_index(op.f('ix_civ_unit_association_id'), 'civ_unit', ['association_id'], unique=False)
    op.create_index(op.f('ix_civ_unit_district_code'), 'civ_unit', ['district_code'], unique=False)
    op.create_index(op.f('ix_civ_unit_industry'), 'civ_unit', ['industry'], unique=False)
    op.create_table('civ_application',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('honours', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('self_score', sa.Float(), nullable=True),
    sa.Column('final_score', sa.Float(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['civ_cycle.id'], name=op.f('fk_civ_application_cycle_id_civ_cycle')),
    sa.ForeignKeyConstraint(['unit_id'], ['civ_unit.id'], name=op.f('fk_civ_application_unit_id_civ_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_application')),
    sa.UniqueConstraint('cycle_id', 'unit_id', name='uq_civ_application_cycle_id')
    )
    op.create_index('ix_civ_application_cycle_state', 'civ_application', ['cycle_id', 'state'], unique=False)
    op.create_index(op.f('ix_civ_application_unit_id'), 'civ_application', ['unit_id'], unique=False)
    op.create_table('civ_indicator',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('evidence', sa.String(length=255), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['civ_indicator_version.id'], name=op.f('fk_civ_indicator_version_id_civ_indicator_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_indicator'))
    )
    op.create_index(op.f('ix_civ_indicator_version_id'), 'civ_indicator', ['version_id'], unique=False)
    op.create_table('civ_negative_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('event_type_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['civ_cycle.id'], name=op.f('fk_civ_negative_event_cycle_id_civ_cycle')),
    sa.ForeignKeyConstraint(['event_type_id'], ['civ_event_type.id'], name=op.f('fk_civ_negative_event_event_type_id_civ_event_type')),
    sa.ForeignKeyConstraint(['unit_id'], ['civ_unit.id'], name=op.f('fk_civ_negative_event_unit_id_civ_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_negative_event'))
    )
    op.create_index(op.f('ix_civ_negative_event_cycle_id'), 'civ_negative_event', ['cycle_id'], unique=False)
    op.create_index(op.f('ix_civ_negative_event_unit_id'), 'civ_negative_event', ['unit_id'], unique=False)
    op.create_table('civ_record',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['civ_cycle.id'], name=op.f('fk_civ_record_cycle_id_civ_cycle')),
    sa.ForeignKeyConstraint(['unit_id'], ['civ_unit.id'], name=op.f('fk_civ_record_unit_id_civ_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_record'))
    )
    op.create_index(op.f('ix_civ_record_kind'), 'civ_record', ['kind'], unique=False)
    op.create_index(op.f('ix_civ_record_unit_id'), 'civ_record', ['unit_id'], unique=False)
    op.create_table('civ_registry',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removal_reason', sa.String(length=16), nullable=True),
    sa.Column('removal_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['civ_cycle.id'], name=op.f('fk_civ_registry_cycle_id_civ_cycle')),
    sa.ForeignKeyConstraint(['decision_id'], ['civ_decision.id'], name=op.f('fk_civ_registry_decision_id_civ_decision')),
    sa.ForeignKeyConstraint(['unit_id'], ['civ_unit.id'], name=op.f('fk_civ_registry_unit_id_civ_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_registry'))
    )
    op.create_index('ix_civ_registry_active', 'civ_registry', ['active', 'cycle_id'], unique=False)
    op.create_index(op.f('ix_civ_registry_unit_id'), 'civ_registry', ['unit_id'], unique=False)
    op.create_table('civ_consultation',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('hit', sa.Boolean(), nullable=False),
    sa.Column('event_type_id', sa.Integer(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=64), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['civ_application.id'], name=op.f('fk_civ_consultation_application_id_civ_application')),
    sa.ForeignKeyConstraint(['department_id'], ['civ_department.id'], name=op.f('fk_civ_consultation_department_id_civ_department')),
    sa.ForeignKeyConstraint(['event_type_id'], ['civ_event_type.id'], name=op.f('fk_civ_consultation_event_type_id_civ_event_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_consultation')),
    sa.UniqueConstraint('application_id', 'department_id', name='uq_civ_consultation_application_id')
    )
    op.create_index(op.f('ix_civ_consultation_department_id'), 'civ_consultation', ['department_id'], unique=False)
    op.create_table('civ_file',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sm3', sa.String(length=64), nullable=False),
    sa.Column('stored_path', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['civ_application.id'], name=op.f('fk_civ_file_application_id_civ_application')),
    sa.ForeignKeyConstraint(['indicator_id'], ['civ_indicator.id'], name=op.f('fk_civ_file_indicator_id_civ_indicator')),
    sa.ForeignKeyConstraint(['record_id'], ['civ_record.id'], name=op.f('fk_civ_file_record_id_civ_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_file'))
    )
    op.create_index(op.f('ix_civ_file_application_id'), 'civ_file', ['application_id'], unique=False)
    op.create_index(op.f('ix_civ_file_record_id'), 'civ_file', ['record_id'], unique=False)
    op.create_table('civ_score',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('scored_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['civ_application.id'], name=op.f('fk_civ_score_application_id_civ_application')),
    sa.ForeignKeyConstraint(['indicator_id'], ['civ_indicator.id'], name=op.f('fk_civ_score_indicator_id_civ_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civ_score')),
    sa.UniqueConstraint('application_id', 'indicator_id', 'stage', name='uq_civ_score_application_id')
    )
    op.create_index(op.f('ix_civ_score_indicator_id'), 'civ_score', ['indicator_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_civ_score_indicator_id'), table_name='civ_score')
    op.drop_table('civ_score')
    op.drop_index(op.f('ix_civ_file_record_id'), table_name='civ_file')
    op.drop_index(op.f('ix_civ_file_application_id'), table_name='civ_file')
    op.drop_table('civ_file')
    op.drop_index(op.f('ix_civ_consultation_department_id'), table_name='civ_consultation')
    op.drop_table('civ_consultation')
    op.drop_index(op.f('ix_civ_registry_unit_id'), table_name='civ_registry')
    op.drop_index('ix_civ_registry_active', table_name='civ_registry')
    op.drop_table('civ_registry')
    op.drop_index(op.f('ix_civ_record_unit_id'), table_name='civ_record')
    op.drop_index(op.f('ix_civ_record_kind'), table_name='civ_record')
    op.drop_table('civ_record')
    op.drop_index(op.f('ix_civ_negative_event_unit_id'), table_name='civ_negative_event')
    op.drop_index(op.f('ix_civ_negative_event_cycle_id'), table_name='civ_negative_event')
    op.drop_table('civ_negative_event')
    op.drop_index(op.f('ix_civ_indicator_version_id'), table_name='civ_indicator')
    op.drop_table('civ_indicator')
    op.drop_index(op.f('ix_civ_application_unit_id'), table_name='civ_application')
    op.drop_index('ix_civ_application_cycle_state', table_name='civ_application')
    op.drop_table('civ_application')
    op.drop_index(op.f('ix_civ_unit_industry'), table_name='civ_unit')
    op.drop_index(op.f('ix_civ_unit_district_code'), table_name='civ_unit')
    op.drop_index(op.f('ix_civ_unit_association_id'), table_name='civ_unit')
    op.drop_index(op.f('ix_civ_unit_account'), table_name='civ_unit')
    op.drop_table('civ_unit')
    op.drop_table('civ_indicator_version')
    op.drop_index(op.f('ix_civ_decision_cycle_id'), table_name='civ_decision')
    op.drop_table('civ_decision')
    op.drop_index('ix_wf_todo_open_user', table_name='wf_todo')
    op.drop_index('ix_wf_todo_item', table_name='wf_todo')
    op.drop_table('wf_todo')
    op.drop_index('ix_wf_message_user', table_name='wf_message')
    op.drop_table('wf_message')
    op.drop_index('ix_wf_history_item', table_name='wf_history')
    op.drop_table('wf_history')
    op.drop_table('civ_rollup_indicator')
    op.drop_table('civ_event_type')
    op.drop_index(op.f('ix_civ_department_account'), table_name='civ_department')
    op.drop_table('civ_department')
    op.drop_table('civ_cycle')
    op.drop_index(op.f('ix_civ_association_account'), table_name='civ_association')
    op.drop_table('civ_association')

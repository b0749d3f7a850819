"""botanical garden and green-space construction board tables (modules 223-229)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('garden_rollup_bonsai',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('style', sa.String(length=8), nullable=False),
    sa.Column('age_band', sa.String(length=8), nullable=False),
    sa.Column('garden_code', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('age_sum', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('area_id', 'kind', 'style', 'age_band', name=op.f('pk_garden_rollup_bonsai'))
    )
    op.create_index(op.f('ix_garden_rollup_bonsai_garden_code'), 'garden_rollup_bonsai', ['garden_code'], unique=False)
    op.create_table('garden_rollup_cell',
    sa.Column('garden_code', sa.String(length=16), nullable=False),
    sa.Column('cell_x', sa.Integer(), nullable=False),
    sa.Column('cell_y', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=48), nullable=False),
    sa.Column('iucn', sa.String(length=2), nullable=False),
    sa.Column('national_protection', sa.String(length=4), nullable=False),
    sa.Column('accessions', sa.Integer(), nullable=False),
    sa.Column('lon_sum', sa.Float(), nullable=False),
    sa.Column('lat_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('garden_code', 'cell_x', 'cell_y', 'family', 'iucn', 'national_protection', name=op.f('pk_garden_rollup_cell'))
    )
    op.create_table('garden_rollup_taxon',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('species', sa.String(length=96), nullable=False),
    sa.Column('garden_code', sa.String(length=16), nullable=False),
    sa.Column('family', sa.String(length=48), nullable=False),
    sa.Column('family_zh', sa.String(length=24), nullable=False),
    sa.Column('genus', sa.String(length=48), nullable=False),
    sa.Column('iucn', sa.String(length=2), nullable=False),
    sa.Column('national_protection', sa.String(length=4), nullable=False),
    sa.Column('accessions', sa.Integer(), nullable=False),
    sa.Column('plants', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('area_id', 'species', name=op.f('pk_garden_rollup_taxon'))
    )
    op.create_index(op.f('ix_garden_rollup_taxon_garden_code'), 'garden_rollup_taxon', ['garden_code'], unique=False)
    op.create_index('ix_garden_rollup_taxon_family', 'garden_rollup_taxon', ['family', 'garden_code'], unique=False)
    op.create_table('greenspace_problem',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('patrol_no', sa.String(length=24), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('found_date', sa.Date(), nullable=False),
    sa.Column('problem_type', sa.String(length=8), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('rectified_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_greenspace_problem'))
    )
    op.create_index('ix_greenspace_problem_month_district', 'greenspace_problem', ['month', 'district_code'], unique=False)
    op.create_index(op.f('ix_greenspace_problem_patrol_no'), 'greenspace_problem', ['patrol_no'], unique=False)
    op.create_table('greenspace_rollup_event',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('event_type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('closed_on_time', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'event_type', 'status', 'unit', name=op.f('pk_greenspace_rollup_event'))
    )
    op.create_index('ix_greenspace_rollup_event_district_month', 'greenspace_rollup_event', ['district_code', 'month'], unique=False)
    op.create_table('greenspace_rollup_patrol',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('sites', sa.Integer(), nullable=False),
    sa.Column('sites_patrolled', sa.Integer(), nullable=False),
    sa.Column('patrols', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('rectified', sa.Integer(), nullable=False),
    sa.Column('rectified_on_time', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'unit', name=op.f('pk_greenspace_rollup_patrol'))
    )
    op.create_table('greenspace_rollup_problem',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('problem_type', sa.String(length=8), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('rectified', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'problem_type', name=op.f('pk_greenspace_rollup_problem'))
    )
    op.create_table('garden',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('boundary', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_garden_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_garden'))
    )
    op.create_index(op.f('ix_garden_district_code'), 'garden', ['district_code'], unique=False)
    op.create_table('greenspace_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_no', sa.String(length=24), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('event_type', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('location', sa.String(length=128), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_greenspace_event_district_code_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_greenspace_event')),
    sa.UniqueConstraint('event_no', name=op.f('uq_greenspace_event_event_no'))
    )
    op.create_index('ix_greenspace_event_month_district', 'greenspace_event', ['month', 'district_code'], unique=False)
    op.create_index('ix_greenspace_event_reported', 'greenspace_event', ['reported_at'], unique=False)
    op.create_index('ix_greenspace_event_district_reported', 'greenspace_event', ['district_code', 'reported_at'], unique=False)
    op.create_table('greenspace_project',
    sa.Column('project_no', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('program', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('builder', sa.String(length=64), nullable=False),
    sa.Column('planned_area_ha', sa.Float(), nullable=False),
    sa.Column('completed_area_ha', sa.Float(), nullable=False),
    sa.Column('investment_wan', sa.Float(), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('boundary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_greenspace_project_district_code_district')),
    sa.PrimaryKeyConstraint('project_no', name=op.f('pk_greenspace_project'))
    )
    op.create_index('ix_greenspace_project_program_district', 'greenspace_project', ['program', 'district_code'], unique=False)
    op.create_table('greenspace_site',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_greenspace_site_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_greenspace_site'))
    )
    op.create_index(op.f('ix_greenspace_site_district_code'), 'greenspace_site', ['district_code'], unique=False)
    op.create_table('garden_area',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('garden_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('boundary', sa.Text(), nullable=False),
    sa.Column('opened_year', sa.Integer(), nullable=True),
    sa.Column('highlights', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['garden_code'], ['garden.code'], name=op.f('fk_garden_area_garden_code_garden')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_garden_area'))
    )
    op.create_index(op.f('ix_garden_area_garden_code'), 'garden_area', ['garden_code'], unique=False)
    op.create_table('greenspace_patrol',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('patrol_no', sa.String(length=24), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('patrol_date', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('inspector', sa.String(length=16), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_code'], ['greenspace_site.code'], name=op.f('fk_greenspace_patrol_site_code_greenspace_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_greenspace_patrol')),
    sa.UniqueConstraint('patrol_no', name=op.f('uq_greenspace_patrol_patrol_no'))
    )
    op.create_index('ix_greenspace_patrol_month_district', 'greenspace_patrol', ['month', 'district_code'], unique=False)
    op.create_index(op.f('ix_greenspace_patrol_site_code'), 'greenspace_patrol', ['site_code'], unique=False)
    op.create_table('garden_accession',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('accession_no', sa.String(length=24), nullable=False),
    sa.Column('garden_code', sa.String(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=48), nullable=False),
    sa.Column('family_zh', sa.String(length=24), nullable=False),
    sa.Column('genus', sa.String(length=48), nullable=False),
    sa.Column('species', sa.String(length=96), nullable=False),
    sa.Column('name_zh', sa.String(length=32), nullable=False),
    sa.Column('iucn', sa.String(length=2), nullable=False),
    sa.Column('national_protection', sa.String(length=4), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('planted_year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['garden_area.id'], name=op.f('fk_garden_accession_area_id_garden_area')),
    sa.ForeignKeyConstraint(['garden_code'], ['garden.code'], name=op.f('fk_garden_accession_garden_code_garden')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_garden_accession')),
    sa.UniqueConstraint('accession_no', name=op.f('uq_garden_accession_accession_no'))
    )
    op.create_index(op.f('ix_garden_accession_area_id'), 'garden_accession', ['area_id'], unique=False)
    op.create_index('ix_garden_accession_garden_family', 'garden_accession', ['garden_code', 'family'], unique=False)
    op.create_index('ix_garden_accession_species', 'garden_accession', ['species'], unique=False)
    op.create_table('garden_bonsai',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('bonsai_no', sa.String(length=24), nullable=False),
    sa.Column('garden_code', sa.String(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('style', sa.String(length=8), nullable=False),
    sa.Column('species_zh', sa.String(length=32), nullable=False),
    sa.Column('age_years', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['garden_area.id'], name=op.f('fk_garden_bonsai_area_id_garden_area')),
    sa.ForeignKeyConstraint(['garden_code'], ['garden.code'], name=op.f('fk_garden_bonsai_garden_code_garden')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_garden_bonsai')),
    sa.UniqueConstraint('bonsai_no', name=op.f('uq_garden_bonsai_bonsai_no'))
    )
    op.create_index(op.f('ix_garden_bonsai_garden_code'), 'garden_bonsai', ['garden_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_garden_bonsai_garden_code'), table_name='garden_bonsai')
    op.drop_table('garden_bonsai')
    op.drop_index('ix_garden_accession_species', table_name='garden_accession')
    op.drop_index('ix_garden_accession_garden_family', table_name='garden_accession')
    op.drop_index(op.f('ix_garden_accession_area_id'), table_name='garden_accession')
    op.drop_table('garden_accession')
    op.drop_index(op.f('ix_greenspace_patrol_site_code'), table_name='greenspace_patrol')
    op.drop_index('ix_greenspace_patrol_month_district', table_name='greenspace_patrol')
    op.drop_table('greenspace_patrol')
    op.drop_index(op.f('ix_garden_area_garden_code'), table_name='garden_area')
    op.drop_table('garden_area')
    op.drop_index(op.f('ix_greenspace_site_district_code'), table_name='greenspace_site')
    op.drop_table('greenspace_site')
    op.drop_index('ix_greenspace_project_program_district', table_name='greenspace_project')
    op.drop_table('greenspace_project')
    op.drop_index('ix_greenspace_event_district_reported', table_name='greenspace_event')
    op.drop_index('ix_greenspace_event_reported', table_name='greenspace_event')
    op.drop_index('ix_greenspace_event_month_district', table_name='greenspace_event')
    op.drop_table('greenspace_event')
    op.drop_index(op.f('ix_garden_district_code'), table_name='garden')
    op.drop_table('garden')
    op.drop_table('greenspace_rollup_problem')
    op.drop_table('greenspace_rollup_patrol')
    op.drop_index('ix_greenspace_rollup_event_district_month', table_name='greenspace_rollup_event')
    op.drop_table('greenspace_rollup_event')
    op.drop_index(op.f('ix_greenspace_problem_patrol_no'), table_name='greenspace_problem')
    op.drop_index('ix_greenspace_problem_month_district', table_name='greenspace_problem')
    op.drop_table('greenspace_problem')
    op.drop_index('ix_garden_rollup_taxon_family', table_name='garden_rollup_taxon')
    op.drop_index(op.f('ix_garden_rollup_taxon_garden_code'), table_name='garden_rollup_taxon')
    op.drop_table('garden_rollup_taxon')
    op.drop_table('garden_rollup_cell')
    op.drop_index(op.f('ix_garden_rollup_bonsai_garden_code'), table_name='garden_rollup_bonsai')
    op.drop_table('garden_rollup_bonsai')

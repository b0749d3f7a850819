"""wildlife protection board tables (module 230-235)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wildlife_rollup_epi',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('station_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('zero_reports', sa.Integer(), nullable=False),
    sa.Column('anomalies', sa.Integer(), nullable=False),
    sa.Column('deaths', sa.Integer(), nullable=False),
    sa.Column('sick', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'station_code', name=op.f('pk_wildlife_rollup_epi'))
    )
    op.create_index(op.f('ix_wildlife_rollup_epi_district_code'), 'wildlife_rollup_epi', ['district_code'], unique=False)
    op.create_table('wildlife_rollup_invasive',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('cell_x', sa.Integer(), nullable=False),
    sa.Column('cell_y', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('controlled', sa.Integer(), nullable=False),
    sa.Column('controlled_area_m2', sa.Float(), nullable=False),
    sa.Column('area_after_m2', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'species_code', 'cell_x', 'cell_y', 'district_code', name=op.f('pk_wildlife_rollup_invasive'))
    )
    op.create_table('wildlife_rollup_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('taxon', sa.String(length=8), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('individuals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'site_code', 'taxon', name=op.f('pk_wildlife_rollup_month'))
    )
    op.create_index(op.f('ix_wildlife_rollup_month_district_code'), 'wildlife_rollup_month', ['district_code'], unique=False)
    op.create_table('wildlife_rollup_plot',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('plot_code', sa.String(length=24), nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('individuals', sa.Integer(), nullable=False),
    sa.Column('surveys', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'plot_code', 'species_code', name=op.f('pk_wildlife_rollup_plot'))
    )
    op.create_index(op.f('ix_wildlife_rollup_plot_site_code'), 'wildlife_rollup_plot', ['site_code'], unique=False)
    op.create_table('wildlife_rollup_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('taxon', sa.String(length=8), nullable=False),
    sa.Column('individuals', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'site_code', 'species_code', name=op.f('pk_wildlife_rollup_year'))
    )
    op.create_index(op.f('ix_wildlife_rollup_year_district_code'), 'wildlife_rollup_year', ['district_code'], unique=False)
    op.create_table('wildlife_species',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name_zh', sa.String(length=32), nullable=False),
    sa.Column('name_sci', sa.String(length=64), nullable=False),
    sa.Column('taxon', sa.String(length=8), nullable=False),
    sa.Column('protection', sa.String(length=16), nullable=True),
    sa.Column('invasive', sa.Boolean(), nullable=False),
    sa.Column('small_population', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_wildlife_species')),
    sa.UniqueConstraint('name_sci', name=op.f('uq_wildlife_species_name_sci'))
    )
    op.create_table('wildlife_epi_station',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('active_from', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_wildlife_epi_station_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_wildlife_epi_station'))
    )
    op.create_index(op.f('ix_wildlife_epi_station_district_code'), 'wildlife_epi_station', ['district_code'], unique=False)
    op.create_table('wildlife_invasive_record',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('found_date', sa.Date(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('controlled', sa.Boolean(), nullable=False),
    sa.Column('control_method', sa.String(length=32), nullable=True),
    sa.Column('area_after_m2', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_wildlife_invasive_record_district_code_district')),
    sa.ForeignKeyConstraint(['species_code'], ['wildlife_species.code'], name=op.f('fk_wildlife_invasive_record_species_code_wildlife_species')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wildlife_invasive_record'))
    )
    op.create_index(op.f('ix_wildlife_invasive_record_district_code'), 'wildlife_invasive_record', ['district_code'], unique=False)
    op.create_index('ix_wl_inv_species_date', 'wildlife_invasive_record', ['species_code', 'found_date'], unique=False)
    op.create_table('wildlife_site',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_wildlife_site_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_wildlife_site'))
    )
    op.create_index(op.f('ix_wildlife_site_district_code'), 'wildlife_site', ['district_code'], unique=False)
    op.create_table('wildlife_epi_report',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('station_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=False),
    sa.Column('zero_report', sa.Boolean(), nullable=False),
    sa.Column('deaths', sa.Integer(), nullable=False),
    sa.Column('sick', sa.Integer(), nullable=False),
    sa.Column('species', sa.String(length=64), nullable=True),
    sa.Column('suspected', sa.String(length=32), nullable=True),
    sa.Column('response', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['station_code'], ['wildlife_epi_station.code'], name=op.f('fk_wildlife_epi_report_station_code_wildlife_epi_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wildlife_epi_report')),
    sa.UniqueConstraint('station_code', 'report_date', name='uq_wl_epi_report')
    )
    op.create_index('ix_wl_epi_date_district', 'wildlife_epi_report', ['report_date', 'district_code'], unique=False)
    op.create_table('wildlife_indicator',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['site_code'], ['wildlife_site.code'], name=op.f('fk_wildlife_indicator_site_code_wildlife_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wildlife_indicator')),
    sa.UniqueConstraint('site_code', 'indicator', 'month', name='uq_wl_indicator')
    )
    op.create_index(op.f('ix_wildlife_indicator_district_code'), 'wildlife_indicator', ['district_code'], unique=False)
    op.create_table('wildlife_observation',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('survey_date', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_code'], ['wildlife_site.code'], name=op.f('fk_wildlife_observation_site_code_wildlife_site')),
    sa.ForeignKeyConstraint(['species_code'], ['wildlife_species.code'], name=op.f('fk_wildlife_observation_species_code_wildlife_species')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wildlife_observation'))
    )
    op.create_index(op.f('ix_wildlife_observation_district_code'), 'wildlife_observation', ['district_code'], unique=False)
    op.create_index('ix_wl_obs_site_date', 'wildlife_observation', ['site_code', 'survey_date'], unique=False)
    op.create_table('wildlife_plot',
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('habitat', sa.String(length=16), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['site_code'], ['wildlife_site.code'], name=op.f('fk_wildlife_plot_site_code_wildlife_site')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_wildlife_plot'))
    )
    op.create_index(op.f('ix_wildlife_plot_district_code'), 'wildlife_plot', ['district_code'], unique=False)
    op.create_index(op.f('ix_wildlife_plot_site_code'), 'wildlife_plot', ['site_code'], unique=False)
    op.create_table('wildlife_recovery',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('start_population', sa.Integer(), nullable=False),
    sa.Column('released', sa.Integer(), nullable=False),
    sa.Column('births', sa.Integer(), nullable=False),
    sa.Column('deaths', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_code'], ['wildlife_site.code'], name=op.f('fk_wildlife_recovery_site_code_wildlife_site')),
    sa.ForeignKeyConstraint(['species_code'], ['wildlife_species.code'], name=op.f('fk_wildlife_recovery_species_code_wildlife_species')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wildlife_recovery')),
    sa.UniqueConstraint('species_code', 'site_code', 'year', name='uq_wl_recovery')
    )
    op.create_index(op.f('ix_wildlife_recovery_district_code'), 'wildlife_recovery', ['district_code'], unique=False)
    op.create_table('wildlife_plot_count',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plot_code', sa.String(length=24), nullable=False),
    sa.Column('species_code', sa.String(length=16), nullable=False),
    sa.Column('survey_date', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plot_code'], ['wildlife_plot.code'], name=op.f('fk_wildlife_plot_count_plot_code_wildlife_plot')),
    sa.ForeignKeyConstraint(['species_code'], ['wildlife_species.code'], name=op.f('fk_wildlife_plot_count_species_code_wildlife_species')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wildlife_plot_count'))
    )
    op.create_index('ix_wl_plot_count_plot_date', 'wildlife_plot_count', ['plot_code', 'survey_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_wl_plot_count_plot_date', table_name='wildlife_plot_count')
    op.drop_table('wildlife_plot_count')
    op.drop_index(op.f('ix_wildlife_recovery_district_code'), table_name='wildlife_recovery')
    op.drop_table('wildlife_recovery')
    op.drop_index(op.f('ix_wildlife_plot_site_code'), table_name='wildlife_plot')
    op.drop_index(op.f('ix_wildlife_plot_district_code'), table_name='wildlife_plot')
    op.drop_table('wildlife_plot')
    op.drop_index('ix_wl_obs_site_date', table_name='wildlife_observation')
    op.drop_index(op.f('ix_wildlife_observation_district_code'), table_name='wildlife_observation')
    op.drop_table('wildlife_observation')
    op.drop_index(op.f('ix_wildlife_indicator_district_code'), table_name='wildlife_indicator')
    op.drop_table('wildlife_indicator')
    op.drop_index('ix_wl_epi_date_district', table_name='wildlife_epi_report')
    op.drop_table('wildlife_epi_report')
    op.drop_index(op.f('ix_wildlife_site_district_code'), table_name='wildlife_site')
    op.drop_table('wildlife_site')
    op.drop_index('ix_wl_inv_species_date', table_name='wildlife_invasive_record')
    op.drop_index(op.f('ix_wildlife_invasive_record_district_code'), table_name='wildlife_invasive_record')
    op.drop_table('wildlife_invasive_record')
    op.drop_index(op.f('ix_wildlife_epi_station_district_code'), table_name='wildlife_epi_station')
    op.drop_table('wildlife_epi_station')
    op.drop_table('wildlife_species')
    op.drop_index(op.f('ix_wildlife_rollup_year_district_code'), table_name='wildlife_rollup_year')
    op.drop_table('wildlife_rollup_year')
    op.drop_index(op.f('ix_wildlife_rollup_plot_site_code'), table_name='wildlife_rollup_plot')
    op.drop_table('wildlife_rollup_plot')
    op.drop_index(op.f('ix_wildlife_rollup_month_district_code'), table_name='wildlife_rollup_month')
    op.drop_table('wildlife_rollup_month')
    op.drop_table('wildlife_rollup_invasive')
    op.drop_index(op.f('ix_wildlife_rollup_epi_district_code'), table_name='wildlife_rollup_epi')
    op.drop_table('wildlife_rollup_epi')

"""环城生态公园带与重点绿地建设 (module 226): statistics and map layers of the ring-city ecological park belt
and the key green spaces: projects, planned and completed area, and progress by district."""
from __future__ import annotations

import dash

from components.project_board import project_board_layout, register_project_callbacks

dash.register_page(__name__, path="/cockpit/greenspace/ringpark", name="环城生态公园带与重点绿地", order=73,
                   title="环城生态公园带与重点绿地建设 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="环城生态公园带与重点绿地建设项目、面积与分区进度的统计和图层")

P = "gs-ring-"
TITLE = "环城生态公园带与重点绿地建设"
PROGRAMS = ["环城生态公园带", "重点绿地"]


def layout(**_query):
    """The shared project board for the two programmes."""
    return project_board_layout(P, TITLE, PROGRAMS)


register_project_callbacks(P, TITLE)

"""大居绿地与滨江绿地建设 (module 227): progress, status and location of the green-space projects of the large
residential communities and the riverside (黄浦江、苏州河) green spaces."""
from __future__ import annotations

import dash

from components.project_board import project_board_layout, register_project_callbacks

dash.register_page(__name__, path="/cockpit/greenspace/residential", name="大居绿地与滨江绿地", order=74,
                   title="大居绿地与滨江绿地建设 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="大型居住社区绿地与滨江绿地建设项目的进度、状态与位置")

P = "gs-res-"
TITLE = "大居绿地与滨江绿地建设"
PROGRAMS = ["大型居住社区绿地", "滨江绿地"]


def layout(**_query):
    """The shared project board for the two programmes."""
    return project_board_layout(P, TITLE, PROGRAMS)


register_project_callbacks(P, TITLE)

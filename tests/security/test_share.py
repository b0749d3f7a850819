"""Share links of the 12319 view (module 216): expiry, revocation, scope, nothing else reachable."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from db import db
from db.security import ShareLink
from security import share

pytestmark = pytest.mark.module(216)
ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
          "changedPropIds": ["_pages_location.pathname"], "state": []}


def _open(client, path):
    body = dict(ROUTER, inputs=[{"id": "_pages_location", "property": "pathname", "value": path},
                                {"id": "_pages_location", "property": "search", "value": ""}])
    return client.post("/_dash-update-component", json=body)


def _make_link(client_as, days=30, lines=("建设管理", "房屋管理")):
    leader = client_as("leader")
    page = leader.get("/admin/share/hotline12319").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = leader.post("/admin/share/hotline12319", data={"csrf_token": csrf, "audience": "市住房城乡建设管理委",
                                                       "lines": list(lines), "days": days})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return re.search(r"(/share/12319\?token=[\w-]+)", r.get_data(as_text=True)).group(1)


def test_link_opens_read_only_view(app, client_as):
    url = _make_link(client_as)
    visitor = app.server.test_client()
    r = visitor.get(url)
    assert r.status_code == 302 and r.headers["Location"] == "/share/12319"
    assert visitor.get("/share/12319").status_code == 200
    layout = _open(visitor, "/share/12319").get_json()["response"]["_pages_content"]["children"]
    assert "只读" in str(layout) and "您没有访问" not in str(layout)
    # nothing else: other pages, the portal and admin pages are refused
    assert "您没有访问" in str(_open(visitor, "/cockpit/12319/distribution").get_json())
    assert "您没有访问" in str(_open(visitor, "/").get_json())
    assert visitor.get("/admin/system/users").status_code == 302
    assert visitor.get("/cockpit/12319/distribution").status_code == 302


def test_expired_and_revoked_links_refused(app, client_as):
    url = _make_link(client_as, days=1)
    token = url.split("token=")[1]
    visitor = app.server.test_client()
    assert visitor.get(url).status_code == 302
    with db.session() as s:
        s.execute(update(ShareLink).where(ShareLink.token_digest == share.digest(token))
                  .values(expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    assert visitor.get("/_dash-layout").status_code == 401  # the session's link has expired
    assert app.server.test_client().get(url).status_code == 403
    url2 = _make_link(client_as)
    v2 = app.server.test_client()
    assert v2.get(url2).status_code == 302
    with db.session() as s:
        share.revoke(s, share.digest(url2.split("token=")[1]), actor="leader", source_ip="-")
    assert v2.get("/_dash-layout").status_code == 401


def test_scope_limits_lines_on_the_server(app, client_as):
    """The share page's callback reads the lines from the link, not from the request."""
    url = _make_link(client_as, lines=("燃气供应",))
    visitor = app.server.test_client()
    visitor.get(url)
    body = {"output": "..h12319-share-k-received.children...h12319-share-k-ontime.children...h12319-share-k-sat.children"
                      "...h12319-share-geojson.hideout...h12319-share-lines.figure...h12319-share-sat.figure"
                      "...h12319-share-scope.children...h12319-share-asof.children..",
            "outputs": [{"id": i, "property": p} for i, p in [
                ("h12319-share-k-received", "children"), ("h12319-share-k-ontime", "children"),
                ("h12319-share-k-sat", "children"), ("h12319-share-geojson", "hideout"),
                ("h12319-share-lines", "figure"), ("h12319-share-sat", "figure"),
                ("h12319-share-scope", "children"), ("h12319-share-asof", "children")]],
            "inputs": [{"id": "h12319-share-period", "property": "value", "value": "36m"},
                       {"id": "h12319-share-refresh", "property": "n_intervals", "value": 0}],
            "changedPropIds": [], "state": []}
    r = visitor.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    response = r.get_json()["response"]
    assert "燃气供应" in response["h12319-share-scope"]["children"]
    assert set(response["h12319-share-lines"]["figure"]["data"][0]["y"]) <= {"燃气供应"}
    hideout = response["h12319-share-geojson"]["hideout"]  # the map is restyled: values by district, no polygons
    assert sum(v or 0 for v in hideout["values"].values()) == int(response["h12319-share-k-received"]["children"].replace(",", ""))


def test_only_exporters_make_links(client_as):
    assert client_as("gis_staff").get("/admin/share/hotline12319").status_code == 403
    assert client_as("analyst").get("/admin/share/hotline12319").status_code == 200


def test_link_validity_bounds(app):
    with db.session() as s:
        with pytest.raises(ValueError, match="1 至 90"):
            share.create(s, view="hotline12319", audience="x", scope={}, days=91, actor="t", source_ip="-")

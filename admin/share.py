"""Share links for read-only views (module 216): create with an expiry and a scope, list, revoke."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from db import db
from db.hotline12319 import BUSINESS_LINES
from security import share
from security.web import client_ip, require

bp = Blueprint("share_admin", __name__, url_prefix="/admin/share", template_folder="templates")
# Lines the housing and construction commission deals with, offered by default.
HOUSING_LINES = ["建设管理", "房屋管理", "燃气供应", "供排水"]


class ShareForm(FlaskForm):
    """Who the view is shared with, which business lines, and for how long."""

    audience = StringField("共享对象", default="市住房城乡建设管理委", validators=[DataRequired("请填写共享对象"), Length(max=64)])
    lines = SelectMultipleField("共享的业务条线", choices=[SelectChoice(x, x) for x in BUSINESS_LINES], default=HOUSING_LINES,
                                option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
                                validators=[DataRequired("请至少选择一个业务条线")])
    days = IntegerField("有效期（天）", default=30, validators=[NumberRange(1, share.MAX_DAYS, "有效期须为 1 至 90 天")])


@bp.route("/hotline12319", methods=["GET", "POST"])
@require("cockpit.export")
def hotline12319():
    """Create a share link of the 12319 view and list the existing ones."""
    form = ShareForm()
    new_url = None
    errors: list[str] = []
    if form.validate_on_submit():
        with db.session() as s:
            token = share.create(s, view="hotline12319", audience=form.audience.data,
                                 scope={"lines": form.lines.data}, days=form.days.data,
                                 actor=current_user.username, source_ip=client_ip())
        new_url = url_for("share_admin.hotline12319", _external=True).replace(
            "/admin/share/hotline12319", f"/share/12319?token={token}")
    elif request.method == "POST":
        errors = [e for errs in form.errors.values() for e in errs]
    with db.session() as s:
        rows = [{"digest": l.token_digest, "audience": l.audience, "lines": "、".join(json.loads(l.scope)["lines"]),
                 "created_by": l.created_by, "created_at": l.created_at, "expires_at": l.expires_at,
                 "valid": share.valid_link(s, l.token_digest) is not None, "revoked": l.revoked}
                for l in share.links(s, "hotline12319")]
    return render_template("share/hotline12319.html", form=form, new_url=new_url, links=rows,
                           errors=errors), 400 if errors else 200


@bp.post("/hotline12319/<digest>/revoke")
@require("cockpit.export")
def revoke(digest: str):
    """Revoke a link at once."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    with db.session() as s:
        share.revoke(s, digest, actor=current_user.username, source_ip=client_ip())
    flash("共享链接已撤销")
    return redirect(url_for("share_admin.hotline12319"))

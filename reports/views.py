"""Report pages. Thin: check permission, read the selection, call selectors, render."""
from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Municipality
from accounts.selectors import municipality_get, municipality_list
from charts import render as chart_render
from charts import tables as table_render
from ui.forms import add_validation_errors

from . import innovation_csv, selectors, services, tables
from .forms import AnswerForm, ImportForm, InnovationForm, InvitationForm, SelectionForm
from .models import COCREATION_VALUES, SCORE_FIELDS, Party

PAGE_SIZE = 50


def _municipality(request, slug: str, perm: str) -> Municipality:
    municipality = municipality_get(slug=slug)
    if municipality is None:
        raise Http404
    if not request.user.has_perm(perm, municipality):
        raise PermissionDenied
    return municipality


def _innovation(request, pk: int, perm: str = "reports.manage_innovations"):
    innovation = selectors.innovation_get(pk=pk)
    if innovation is None:
        raise Http404
    if not request.user.has_perm(perm, innovation.municipality):
        raise PermissionDenied
    return innovation


def _download(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def _dashboard_data(request, municipality):
    selection = selectors.Selection.from_params(request.GET, default_municipality=municipality.slug)
    report = selectors.barometer(selection)
    names = selectors.municipality_names()
    return selection, report, tables.dashboard_tables(report, selectors.funnel(municipality), names)


@require_safe
def index(request):
    municipality = request.municipality
    if municipality is None:
        raise Http404
    return redirect("reports:dashboard", slug=municipality.slug)


@require_safe
def dashboard(request, slug: str):
    municipality = _municipality(request, slug, "reports.view_barometer")
    selection, report, figure_tables = _dashboard_data(request, municipality)
    query = selection.query_string()
    share_url = request.build_absolute_uri(reverse("reports:dashboard", args=[slug]) + "?" + query)
    form = SelectionForm(initial=selection.params(), municipalities=municipality_list())
    return render(request, "reports/dashboard.html", {
        "municipality": municipality, "selection": selection, "report": report, "tables": figure_tables,
        "query": query, "share_url": share_url, "form": form,
        "can_manage": request.user.has_perm("reports.manage_innovations", municipality),
    })


@require_safe
def chart(request, slug: str, name: str, fmt: str):
    municipality = _municipality(request, slug, "reports.view_barometer")
    _selection, _report, figure_tables = _dashboard_data(request, municipality)
    if name not in figure_tables or fmt not in chart_render.FORMATS:
        raise Http404
    content = figure_tables[name].render_chart(fmt)
    return _download(content, chart_render.FORMATS[fmt], f"hoest-{slug}-{name}.{fmt}",
                     inline=request.GET.get("inline") == "1")


def _table_response(table: tables.Table, fmt: str, filename: str) -> HttpResponse:
    if fmt not in table_render.FORMATS:
        raise Http404
    header = getattr(table, "download_header", table.header)
    content = table_render.render_table(title=table.title, header=header, rows=table.data, fmt=fmt)
    return _download(content, table_render.FORMATS[fmt], f"{filename}.{fmt}")


@require_safe
def table(request, slug: str, name: str, fmt: str):
    municipality = _municipality(request, slug, "reports.view_barometer")
    _selection, _report, figure_tables = _dashboard_data(request, municipality)
    if name not in figure_tables:
        raise Http404
    return _table_response(figure_tables[name], fmt, f"hoest-{slug}-{name}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def innovations(request, slug: str):
    """The municipality's innovation records, with CSV import and export."""
    municipality = _municipality(request, slug, "reports.view_innovations")
    can_manage = request.user.has_perm("reports.manage_innovations", municipality)
    form = ImportForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                counts = services.innovations_import(municipality=municipality, data=form.cleaned_data["file"].read())
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Imported: %(created)s new and %(updated)s updated innovation records.") % counts)
                return redirect("reports:innovations", slug=slug)
    page = Paginator(selectors.innovation_list(municipality=municipality), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/innovations.html", {
        "municipality": municipality, "page": page, "form": form, "can_manage": can_manage,
    }, status=400 if form.errors else 200)


@require_safe
@login_required
def innovations_export(request, slug: str):
    municipality = _municipality(request, slug, "reports.view_innovations")
    out = io.StringIO()
    innovation_csv.write(selectors.innovation_rows(selectors.innovation_list(municipality=municipality).order_by("pk")), out)
    return _download(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"hoest-{slug}-innovations.csv")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def innovation_edit(request, slug: str, pk: int | None = None):
    municipality = _municipality(request, slug, "reports.manage_innovations")
    innovation = _innovation(request, pk) if pk else None
    if innovation is not None and innovation.municipality_id != municipality.pk:
        raise Http404
    form = InnovationForm(request.POST or None, instance=innovation, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if innovation is None:
                innovation = services.innovation_create(municipality=municipality, **fields)
            else:
                services.innovation_update(innovation=innovation, **fields)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The innovation record is saved."))
            return redirect("reports:innovations", slug=slug)
    return render(request, "reports/innovation_form.html", {
        "municipality": municipality, "innovation": innovation, "form": form,
    }, status=400 if form.errors else 200)


def _profile_tables(innovation):
    profile = selectors.cocreation_profile(innovation)
    title = _("Co-creation profile: %(title)s") % {"title": innovation.title}
    return profile, tables.cocreation_table(profile, title)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cocreation(request, pk: int):
    """Staff: invite the people behind a co-created innovation and read the profile."""
    innovation = _innovation(request, pk, "reports.manage_cocreation")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_create(innovation=innovation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("A personal link is ready: send it to the person."))
        return redirect("reports:cocreation", pk=pk)
    profile, profile_table = _profile_tables(innovation)
    invitations = selectors.invitation_list(innovation=innovation)
    return render(request, "reports/cocreation.html", {
        "innovation": innovation, "form": form, "profile": profile, "table": profile_table,
        "weakest_label": COCREATION_VALUES.get(profile["weakest"], ""),
        "invitations": [(i, request.build_absolute_uri(reverse("reports:answer", args=[i.token]))) for i in invitations],
    })


def _profile_allowed(request, innovation, token: str | None):
    if token:
        invitation = selectors.invitation_get(token=token)
        if invitation is not None and invitation.innovation_id == innovation.pk and invitation.answered_at:
            return True
    return request.user.has_perm("reports.manage_cocreation", innovation.municipality)


@require_safe
def cocreation_chart(request, pk: int, fmt: str):
    innovation = selectors.innovation_get(pk=pk)
    if innovation is None or not _profile_allowed(request, innovation, request.GET.get("token")):
        raise Http404
    if fmt in chart_render.FORMATS:
        return _download(_profile_tables(innovation)[1].render_chart(fmt), chart_render.FORMATS[fmt],
                         f"hoest-cocreation-{pk}.{fmt}", inline=request.GET.get("inline") == "1")
    return _table_response(_profile_tables(innovation)[1], fmt, f"hoest-cocreation-{pk}")


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token: str):
    """The questionnaire, for the person the link was made for; afterwards the profile."""
    invitation = selectors.invitation_get(token=token)
    if invitation is None:
        raise Http404
    initial = {name: getattr(invitation, name) for name in SCORE_FIELDS if getattr(invitation, name)}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_answer(invitation=invitation, scores=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("reports:answer-profile", token=token)
    return render(request, "reports/answer.html", {"invitation": invitation, "form": form,
                                                   "party": Party(invitation.party).label},
                  status=400 if form.errors else 200)


@require_safe
def answer_profile(request, token: str):
    invitation = selectors.invitation_get(token=token)
    if invitation is None or invitation.answered_at is None:
        raise Http404
    profile, profile_table = _profile_tables(invitation.innovation)
    return render(request, "reports/answer_profile.html", {
        "invitation": invitation, "innovation": invitation.innovation, "profile": profile, "table": profile_table,
        "weakest_label": COCREATION_VALUES.get(profile["weakest"], ""),
    })

"""The API's actions of staff on a process's projects: the review, a project made from an
idea, paper ballots (one staff member types one in, another confirms it) and the progress
posts of the implementation (budgets.views), with the pages' forms, rules and services. A mixin of budgets.api.BudgetViewSet, whose `get_object` and `_require`
it uses."""
from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ideas.selectors import idea_get
from ui.numbers import whole_number

from . import ballotbox, paper_ballots, selectors, services
from .elections import election_default, election_get
from .forms import ballot_choice, ballot_form_class
from .serializers import (
    BallotBoxSerializer,
    BoxPrepareSerializer,
    FromIdeaSerializer,
    PaperBallotEnteredSerializer,
    PaperBallotSerializer,
    PaperBallotsSerializer,
    ProgressSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ReviewSerializer,
)


class StaffActions:
    """Staff of the process's municipality act on its projects, as on the pages."""

    def _staff_project(self, code: str, perm: str):
        process = self.get_object()
        self._require(perm, process)
        project = selectors.project_get(process=process, code=code)
        if project is None:
            raise NotFound()
        return process, project

    @extend_schema(request={"application/json": ReviewSerializer, "multipart/form-data": ReviewSerializer},
                   responses=ProjectSerializer)
    @action(detail=True, methods=["patch"], url_path=r"projects/(?P<code>[^/]+)/review",
            permission_classes=[IsAuthenticated])
    def project_review(self, request, pk=None, code=None):
        """Staff's review of a project while proposals are made and reviewed: its cost, whether
        it is feasible and the public reason (required when it is not), its image (multipart,
        field `image`) and place. The fields left out keep their current values."""
        _process, project = self._staff_project(code, "budgets.review_project")
        # The form edits its own copy (as on the page); the service writes the project.
        serializer = ReviewSerializer(data=request.data, context={
            "request": request, "form_kwargs": {"instance": selectors.project_for_staff(pk=project.pk)}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = services.project_review(
            project=project, cost=data["cost"], feasibility=data["feasibility"], reason=data["feasibility_reason"],
            image=data.get("image"), remove_image=data.get("remove_image", False), image_alt=data["image_alt"],
            latitude=data["latitude"], longitude=data["longitude"], place=True)
        return Response(ProjectSerializer(selectors.project_get(process=project.process, code=project.code)).data)

    @extend_schema(request=FromIdeaSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"], url_path="from-idea", permission_classes=[IsAuthenticated])
    def project_from_idea(self, request, pk=None):
        """Make an idea of the municipality a project of this process (before voting), with a
        cost estimate; the idea's followers are told."""
        process = self.get_object()
        self._require("budgets.review_project", process)
        serializer = FromIdeaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        number = whole_number(data["idea"])  # past bigint: no idea, rather than the database's refusal
        idea = idea_get(pk=number) if number is not None else None
        if idea is None or not request.user.has_perm("ideas.change_status", idea):
            raise exceptions.ValidationError({"idea": [_("There is no such idea in this municipality.")]})
        project = services.project_from_idea(process=process, idea=idea, cost=data["cost"], actor=request.user)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgressSerializer, responses={201: ProjectUpdateSerializer})
    @action(detail=True, methods=["post"], url_path=r"projects/(?P<code>[^/]+)/progress",
            permission_classes=[IsAuthenticated])
    def project_progress(self, request, pk=None, code=None):
        """Post how a funded project is going, during the implementation; followers of the
        idea behind it are told."""
        _process, project = self._staff_project(code, "budgets.post_progress")
        serializer = ProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        update = services.project_update_post(project=project, author=request.user, text=data["text"],
                                              milestone=data["milestone"], happened_on=data["happened_on"])
        return Response(ProjectUpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    # --- Paper ballots (the paper ballot page; budgets.paper_ballots) -------------------------
    def _paper_process(self):
        process = self.get_object()
        self._require("budgets.enter_paper_ballots", process)
        return process

    @extend_schema(methods=["GET"], responses=PaperBallotsSerializer)
    @extend_schema(methods=["POST"], request=PaperBallotSerializer, responses={201: PaperBallotEnteredSerializer})
    @action(detail=True, methods=["get", "post"], url_path="paper-ballots", permission_classes=[IsAuthenticated])
    def paper_ballots(self, request, pk=None):
        """The paper ballots waiting for a colleague's confirmation, with what was typed in;
        POST types one in (while voting, until the council opens the box). It counts only once
        another staff member has compared it with the paper and confirmed it."""
        process = self._paper_process()
        if request.method == "GET":
            waiting = [{"id": paper.pk, "election": paper.district_budget.slug if paper.district_budget else "",
                        "entered_by": paper.entered_by.public_name, "entered_by_you": paper.entered_by_id == request.user.pk,
                        "content": paper.content}
                       for paper in selectors.paper_ballots_waiting(process=process)]
            return Response(PaperBallotsSerializer({
                "waiting": waiting, "confirmed": selectors.paper_ballots_confirmed(process=process)}).data)
        # The paper names its budget, whose projects make the form.
        key = request.data.get("district", "") if isinstance(request.data, Mapping) else ""
        election = (election_get(process, key) if key and isinstance(key, str) else election_default(process))
        if election is None:
            raise NotFound(_("This process has no such budget."))
        projects = list(selectors.ballot_project_list(process=process, election=election).order_by("pk"))
        serializer = PaperBallotSerializer(data=request.data, context={
            "ballot_form": ballot_form_class(process, projects, paper=True)})
        serializer.is_valid(raise_exception=True)
        cleaned = serializer.form.cleaned_data
        paper = paper_ballots.paper_ballot_enter(process=process, staff=request.user, election=election,
                                                 choice=ballot_choice(process, cleaned),
                                                 person_id=cleaned.get("person_id", ""))
        return Response({"id": paper.pk, "election": election.key}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path=r"paper-ballots/(?P<paper>[0-9]+)/confirm",
            permission_classes=[IsAuthenticated])
    def paper_ballot_confirm(self, request, pk=None, paper=None):
        """Confirm a paper ballot a colleague typed in, having compared it with the paper: it
        goes into the ballot box. Refused (400) to the one who typed it in, and once confirmed."""
        process = self._paper_process()
        number = whole_number(paper)  # a number past bigint finds nothing (the database would refuse it)
        found = selectors.paper_ballot_get(process=process, pk=number) if number is not None else None
        if found is None:
            raise NotFound()
        paper_ballots.paper_ballot_confirm(paper=found, staff=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- The ballot box (its page's preparation; opening it with the shares stays a page's) --
    @extend_schema(request=BoxPrepareSerializer, responses={201: BallotBoxSerializer})
    @action(detail=True, methods=["post"], url_path="ballot-box/prepare", permission_classes=[IsAuthenticated])
    def ballot_box_prepare(self, request, pk=None):
        """Prepare the ballot box before voting opens: its key is made and split into a share
        for each chosen council member (at least three), who collect them on the ballot box
        page; `threshold` of them open the box. Prepared again (before voting), the old key is
        dropped."""
        process = self.get_object()
        self._require("budgets.prepare_box", process)
        serializer = BoxPrepareSerializer(data=request.data, context={
            "form_kwargs": {"members": ballotbox.council_members(process)}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        box = ballotbox.box_prepare(process=process, actor=request.user, members=list(data["members"]),
                                    threshold=data["threshold"])
        holders = [{"member_id": h.member_id, "name": h.name, "collected": h.collected_at is not None}
                   for h in box.holders.order_by("index")]
        return Response(BallotBoxSerializer({"threshold": box.threshold, "holders": holders}).data,
                        status=status.HTTP_201_CREATED)

"""The participatory budgets API: the pages' selectors, services and rules."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts import mfa
from accounts.selectors import municipality_default, municipality_get
from restapi.errors import Conflict, error_body
from restapi.renderers import SafeJSONRenderer

from . import ballotbox, counting, results, selectors, services, setup
from .api_comments import CommentActions
from .api_letters import LettersActions
from .api_staff import StaffActions
from .elections import election_default, election_get
from .models import BudgetProcess, CountState, rule_label
from .pabulib import process_export
from .serializers import (
    BallotSerializer,
    CouncilSerializer,
    DistrictBudgetInputSerializer,
    ElectionSerializer,
    ProcessSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProposeSerializer,
    ReceiptSerializer,
    ResultSerializer,
    SetupCheckSerializer,
    SetupSerializer,
    TurnoutSerializer,
    VerifiedSerializer,
    VerifySerializer,
    ballot_data,
)

_JSON = SafeJSONRenderer()


def counting_response(count) -> Response:
    """202 while the election is being counted (ask again after Retry-After); 500 if the count
    failed (logged for the developers)."""
    if count.state == CountState.FAILED:
        return Response(error_body(_("The count of this election failed. The site's developers have been told."),
                                   "count_failed"), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    body = error_body(_("The ballots are being counted by every rule. A large election takes a few minutes."),
                      "counting")
    body["started_at"] = count.started_at.isoformat()
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Retry-After": "30"})


class BudgetViewSet(CommentActions, LettersActions, StaffActions, viewsets.GenericViewSet):
    """Participatory budget processes."""

    queryset = BudgetProcess.objects.none()  # schema only; reads go through selectors
    serializer_class = ProcessSerializer

    def get_object(self) -> BudgetProcess:
        process = selectors.process_get(pk=self.kwargs["pk"], user=self.request.user)
        if process is None:
            raise NotFound()
        return process

    def throttle_read_key(self, request) -> str | None:
        # A ballot reads its context's version from the cache (selectors.ballot_context):
        # the write throttle reads it in the same round trip (restapi.throttling).
        return selectors.ballot_context_key(self.kwargs["pk"]) if self.action == "ballot" else None

    def _require(self, perm: str, process) -> None:
        if not self.request.user.has_perm(perm, process):
            raise PermissionDenied

    def _election(self, process, key: str | None, *, default: bool = False):
        """The election named by ?district= or a body's "district" (none: the citywide one,
        or with `default` the first district budget of a process without one)."""
        election = election_get(process, key) if key or not default else election_default(process)
        if election is None:
            raise NotFound(_("This process has no such budget."))
        return election

    @extend_schema(parameters=[OpenApiParameter("municipality", str)], responses=ProcessSerializer(many=True))
    def list(self, request):
        slug = request.query_params.get("municipality")
        municipality = municipality_get(slug=slug) if slug else municipality_default()
        if municipality is None:
            raise NotFound()
        page = self.paginate_queryset(selectors.process_list(municipality=municipality))
        return self.get_paginated_response(ProcessSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ProcessSerializer(self.get_object()).data)

    # --- Set-up (budgets.setup): the set-up pages' actions, with the same forms and checks.
    @staticmethod
    def _setup_input(request, draft: BudgetProcess) -> tuple[dict, str, object, bool]:
        """The fields sent, validated by the set-up pages' form against the draft's values
        (a new draft's, on creation) for the fields not sent: (fields, municipality's slug,
        image, remove_image). Only the fields sent are set up."""
        serializer = SetupSerializer(data=request.data, partial=True,
                                     context={"request": request, "form_kwargs": {"instance": draft}})
        serializer.is_valid(raise_exception=True)
        data = {name: value for name, value in serializer.validated_data.items() if name in request.data}
        return (data, data.pop("municipality", ""), data.pop("image", None),
                bool(data.pop("remove_image", False)))

    @extend_schema(request=SetupSerializer, responses={201: ProcessSerializer})
    def create(self, request):
        """Start a draft (the set-up's first step, its basics): staff and admins of the
        municipality. A draft is seen by them alone until it is published."""
        data, slug, image, _remove = self._setup_input(request, setup.draft_new())
        municipality = municipality_get(slug=slug) if slug else municipality_default()
        if municipality is None:
            raise exceptions.ValidationError({"municipality": [_("There is no such municipality.")]})
        self._require("budgets.create_process", municipality)
        other = sorted(set(data) - set(setup.STEP_FIELDS["basics"]))
        if other:
            raise exceptions.ValidationError({name: [_("Set this in its own step, once the draft exists.")]
                                              for name in other})
        process = setup.draft_create(municipality=municipality, actor=request.user, image=image, **data)
        return Response(ProcessSerializer(selectors.process_get(pk=process.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SetupSerializer, responses=ProcessSerializer)
    def partial_update(self, request, pk=None):
        """Change a draft's set-up: any fields of any steps; each step sent counts as saved."""
        process = self.get_object()
        self._require("budgets.set_up_process", process)
        data, _slug, image, remove_image = self._setup_input(request, process)
        setup.setup_update(process=process, data=data, image=image, remove_image=remove_image)
        return Response(ProcessSerializer(selectors.process_get(pk=process.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("municipality", str)], responses=ProcessSerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def drafts(self, request):
        """The municipality's drafts (the set-up pages' list), newest first: its staff only."""
        slug = request.query_params.get("municipality")
        municipality = municipality_get(slug=slug) if slug else municipality_default()
        if municipality is None:
            raise NotFound()
        self._require("budgets.create_process", municipality)
        page = self.paginate_queryset(selectors.draft_list(municipality=municipality))
        return self.get_paginated_response(ProcessSerializer(page, many=True).data)

    @extend_schema(responses=SetupCheckSerializer)
    @action(detail=True, methods=["get"], url_path="check", permission_classes=[IsAuthenticated])
    def setup_check(self, request, pk=None):
        """Everything that keeps a draft from going live, in plain words."""
        process = self.get_object()
        self._require("budgets.set_up_process", process)
        found = setup.problems(process)
        return Response({"ready": not found, "problems": [
            {"step": p.step, "field": p.field, "message": p.message} for p in found]})

    @extend_schema(request=None, responses=ProcessSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def publish(self, request, pk=None):
        """Publish a draft; 400 with every problem (by field) while anything is left to fix."""
        process = self.get_object()
        self._require("budgets.set_up_process", process)
        setup.process_publish(process=process, actor=request.user)
        return Response(ProcessSerializer(selectors.process_get(pk=process.pk)).data)

    @extend_schema(request=DistrictBudgetInputSerializer, responses={201: ElectionSerializer})
    @action(detail=True, methods=["post"], url_path="district-budgets", permission_classes=[IsAuthenticated])
    def district_budgets(self, request, pk=None):
        """Give a district of the municipality its own budget: in a draft (its set-up), or in a
        published process until voting opens (as on the process's district budgets page)."""
        process = self.get_object()
        if process.draft:
            self._require("budgets.set_up_process", process)
            add = setup.district_budget_add
        else:
            self._require("budgets.manage_process", process)
            add = services.district_budget_add
        serializer = DistrictBudgetInputSerializer(data=request.data, context={"form_kwargs": {"process": process}})
        serializer.is_valid(raise_exception=True)
        budget = add(process=process, **serializer.validated_data)
        return Response({"key": budget.slug, "name": budget.name, "district": budget.district.slug,
                         "budget": budget.amount, "knapsack_limit": budget.knapsack_limit},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"district-budgets/(?P<key>[-a-zA-Z0-9_]+)",
            permission_classes=[IsAuthenticated])
    def district_budget_remove(self, request, pk=None, key=None):
        """Remove a district budget from a draft."""
        process = self.get_object()
        self._require("budgets.set_up_process", process)
        budget = process.district_budgets.filter(slug=key).first()
        if budget is None:
            raise NotFound(_("This process has no such budget."))
        setup.district_budget_remove(process=process, budget=budget)
        return Response(status=status.HTTP_204_NO_CONTENT)

    ELECTION_PARAMETER = OpenApiParameter(
        "district", str, description="The slug of a district budget; without it, the citywide budget.")

    @extend_schema(methods=["GET"], responses=ProjectSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProposeSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a plain list
    def projects(self, request, pk=None):
        process = self.get_object()
        if request.method == "GET":
            return Response(ProjectSerializer(process.projects.select_related("district", "district_budget")
                                              .order_by("pk"), many=True).data)
        self._require("budgets.propose_project", process)
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        election = self._election(process, data.pop("district", ""))
        project = services.project_propose(process=process, user=request.user,
                                           district_budget=election.district_budget, **data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProjectDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"projects/(?P<code>[^/]+)")
    def project(self, request, pk=None, code=None):
        """One project, as its page shows it: never a count of its votes."""
        process = self.get_object()
        project = selectors.project_get(process=process, code=code)
        if project is None:
            raise NotFound()
        idea_visible = bool(project.idea_id) and request.user.has_perm("ideas.view_idea", project.idea)
        return Response(ProjectDetailSerializer(project, context={
            "request": request, "idea_visible": idea_visible,
            "results_public": process.results_public and hasattr(process, "result")}).data)

    @extend_schema(request=BallotSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"], permission_classes=[AllowAny], renderer_classes=[SafeJSONRenderer])
    def ballot(self, request, pk=None):
        """Cast a ballot in the citywide budget or (with "district") a district budget: signed
        in (session or token), or with a voting code (one ballot per election)."""
        key, version = getattr(request, "throttle_read", (None, selectors.UNREAD))
        if key != selectors.ballot_context_key(pk):
            version = selectors.UNREAD
        context = selectors.ballot_context(pk=pk, version=version)
        if context is None:
            raise NotFound()
        data = ballot_data(request.data)
        code = data.pop("code", "")
        key = data.pop("district", "")
        if not code and not request.user.is_authenticated:
            raise PermissionDenied
        election = context.election(key)
        if election is None:
            if key:
                raise NotFound(_("This process has no such budget."))
            raise PermissionDenied(_("This process has only district budgets: choose your district's."))
        result = services.ballot_cast(process=context.process, choice=data, code=code, election=election,
                                      projects=context.projects_of(election), box=context.box,
                                      user=None if code else request.user)
        # JSON is the action's only renderer (no browsable form to vote in): the bytes
        # Response would render, without its template-response machinery, on the API's
        # busiest write.
        body = _JSON.render({"receipt": result.receipt, "replaced": result.replaced}, request.accepted_media_type)
        return HttpResponse(body, status=status.HTTP_201_CREATED, content_type=_JSON.media_type)

    @extend_schema(request=VerifySerializer, responses=VerifiedSerializer)
    @action(detail=True, methods=["post"], permission_classes=[AllowAny])
    def verify(self, request, pk=None):
        process = self.get_object()
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = ballotbox.receipt_status(process=process, receipt=serializer.validated_data["receipt"])
        return Response({"status": found.state, "counted": found.state != "absent",
                         "election": found.election or None})

    @extend_schema(parameters=[ELECTION_PARAMETER], responses=TurnoutSerializer)
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def turnout(self, request, pk=None):
        """Turnout of all elections (by_election per election), or of one with ?district=."""
        process = self.get_object()
        self._require("budgets.view_turnout", process)
        key = request.query_params.get("district")
        election = self._election(process, key) if key else None
        return Response(selectors.turnout(process=process, election=election))

    @extend_schema(responses=ResultSerializer)
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def result(self, request, pk=None):
        process = self.get_object()
        if not process.results_public or not hasattr(process, "result"):
            raise NotFound()
        return Response(ResultSerializer(process.result).data)

    @extend_schema(parameters=[ELECTION_PARAMETER], responses={
        200: OpenApiTypes.OBJECT,
        202: OpenApiResponse(description="The election is still being counted: ask again after Retry-After "
                                         "seconds (`code`: `counting`, `started_at`)."),
        500: OpenApiResponse(description="The count failed (`code`: `count_failed`).")})
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def comparison(self, request, pk=None):
        """One election's rule comparison: for the council while it reviews, for everyone
        once published. Counted once in the background (budgets.counting): 202 until done."""
        process = self.get_object()
        if not selectors.results_visible(process=process, user=request.user):
            raise PermissionDenied
        election = self._election(process, request.query_params.get("district"), default=True)
        count = counting.election_count(process, election)
        if count.state != CountState.DONE:
            return counting_response(count)
        comparison = counting.with_current_titles(count.comparison, process, election)
        for row in comparison["rules"]:
            row["selected"] = sorted(row["selected"])
            row["rule_label"] = rule_label(row["rule"])
        return Response(comparison)

    @extend_schema(request=CouncilSerializer, responses={
        204: None, 409: OpenApiResponse(description="The council has already approved the result; it is final.")})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def council(self, request, pk=None):
        """The council's decision: needs a recent authentication (accounts.mfa), either this
        session's (a sign-in with the second factor or a confirmation in the last five
        minutes) or a current authenticator code sent as `code`; else 403
        `reauthentication_required`."""
        process = self.get_object()
        decided = results.decided_for_council(user=request.user, process=process)
        if not decided:
            self._require("budgets.review_result", process)
        serializer = CouncilSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        code = data.pop("code", "")
        # Once decided there is nothing left to confirm: the service says why it refuses.
        if not decided and not mfa.api_recently_authenticated(request, code=code):
            raise exceptions.PermissionDenied(mfa.REAUTHENTICATION_REQUIRED, code="reauthentication_required")
        try:
            results.council_review(process=process, member=request.user, **data)
        except results.AlreadyApproved as refused:
            raise Conflict(refused.message_dict) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[ELECTION_PARAMETER], responses={(200, "text/plain"): OpenApiTypes.STR})
    def export_pb(self, request, pk=None):
        """One election's anonymous ballots in pabulib format (one file per election, as
        pabulib has: ?district=<slug> for a district budget), once the result is published
        (before that, for the council reviewing it)."""
        process = self.get_object()
        if not selectors.results_visible(process=process, user=request.user):
            raise PermissionDenied
        election = self._election(process, request.query_params.get("district"), default=True)
        response = HttpResponse(process_export(process=process, election=election),
                                content_type="text/plain; charset=utf-8")
        name = f"hoest-budget-{process.pk}" + (f"-{election.key}" if election.key else "")
        response["Content-Disposition"] = f'attachment; filename="{name}.pb"'
        return response

"""The participatory budgets API: the pages' selectors, services and rules."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import municipality_default, municipality_get

from . import selectors, services
from .models import BudgetProcess
from .serializers import (
    BallotSerializer,
    CouncilSerializer,
    ProcessSerializer,
    ProjectSerializer,
    ProposeSerializer,
    ReceiptSerializer,
    ResultSerializer,
    TurnoutSerializer,
    VerifiedSerializer,
    VerifySerializer,
)


class BudgetViewSet(viewsets.GenericViewSet):
    """Participatory budget processes."""

    queryset = BudgetProcess.objects.none()  # schema only; reads go through selectors
    serializer_class = ProcessSerializer

    def get_object(self) -> BudgetProcess:
        process = selectors.process_get(pk=self.kwargs["pk"])
        if process is None:
            raise NotFound()
        return process

    def _require(self, perm: str, process) -> None:
        if not self.request.user.has_perm(perm, process):
            raise PermissionDenied

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

    @extend_schema(methods=["GET"], responses=ProjectSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProposeSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a plain list
    def projects(self, request, pk=None):
        process = self.get_object()
        if request.method == "GET":
            return Response(ProjectSerializer(process.projects.select_related("district").order_by("pk"), many=True).data)
        self._require("budgets.propose_project", process)
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_propose(process=process, user=request.user, **serializer.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BallotSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"], permission_classes=[AllowAny])
    def ballot(self, request, pk=None):
        """Cast a ballot: signed in (session or token), or with a one-time voting code."""
        process = self.get_object()
        serializer = BallotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        code = data.pop("code", "")
        if not code and not request.user.is_authenticated:
            raise PermissionDenied
        result = services.ballot_cast(process=process, choice=data, code=code,
                                      user=None if code else request.user)
        return Response({"receipt": result.receipt, "replaced": result.replaced}, status=status.HTTP_201_CREATED)

    @extend_schema(request=VerifySerializer, responses=VerifiedSerializer)
    @action(detail=True, methods=["post"], permission_classes=[AllowAny])
    def verify(self, request, pk=None):
        process = self.get_object()
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = services.ballot_verify(process=process, receipt=serializer.validated_data["receipt"])
        return Response({"counted": content is not None, "ballot": content})

    @extend_schema(responses=TurnoutSerializer)
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def turnout(self, request, pk=None):
        process = self.get_object()
        self._require("budgets.view_turnout", process)
        return Response(selectors.turnout(process=process))

    @extend_schema(responses=ResultSerializer)
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def result(self, request, pk=None):
        process = self.get_object()
        if not process.results_public or not hasattr(process, "result"):
            raise NotFound()
        return Response(ResultSerializer(process.result).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def comparison(self, request, pk=None):
        """The rule comparison: for the council while it reviews, for everyone once published."""
        process = self.get_object()
        if not selectors.results_visible(process=process, user=request.user):
            raise PermissionDenied
        comparison = selectors.rule_comparison(process=process)
        for row in comparison["rules"]:
            row["selected"] = sorted(row["selected"])
        return Response(comparison)

    @extend_schema(request=CouncilSerializer, responses={204: None})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def council(self, request, pk=None):
        process = self.get_object()
        self._require("budgets.review_result", process)
        serializer = CouncilSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.council_review(process=process, member=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    def export_pb(self, request, pk=None):
        """The anonymous ballots in pabulib format, once the result is published (before
        that, for the council reviewing it)."""
        from .pabulib import process_export

        process = self.get_object()
        if not selectors.results_visible(process=process, user=request.user):
            raise PermissionDenied
        response = HttpResponse(process_export(process=process), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="hoest-budget-{process.pk}.pb"'
        return response

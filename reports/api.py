"""The reports and innovations API: the same selectors, services and rules as the pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Municipality
from accounts.selectors import municipality_get
from restapi.parsers import JSONParser
from ui.numbers import whole_number

from . import figures, innovation_csv, selectors, services
from .models import Innovation
from .serializers import (
    BarometerSerializer,
    CoCreationProfileSerializer,
    FunnelSerializer,
    ImportResultSerializer,
    ImportSerializer,
    InnovationCreateSerializer,
    InnovationSerializer,
    InnovationUpdateSerializer,
)

MUNICIPALITY_PARAM = OpenApiParameter("municipality", str, required=True, description="Municipality slug")
SELECTION_PARAMS = [
    OpenApiParameter("municipality", str, description="Selected municipality slug, or 'all' (default: the one in the path)"),
    OpenApiParameter("country", str), OpenApiParameter("year_from", int), OpenApiParameter("year_to", int),
    OpenApiParameter("sector_level", str), OpenApiParameter("subsector", str),
]


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _municipality_param(request) -> Municipality:
    municipality = municipality_get(slug=request.query_params.get("municipality", ""))
    if municipality is None:
        raise NotFound()
    return municipality


def _odds(result) -> dict:
    return {**result.as_dict(), "status": result.status}


def barometer_json(report: dict, selection) -> dict:
    return {
        "n": report["n"], "weighted_n": report["weighted_n"], "citizen_role": report["citizen_role"],
        "outcomes": {v: {"with_citizens": r["with_citizens"], "without_citizens": r["without_citizens"],
                         "unadjusted": _odds(r["unadjusted"]), "adjusted": _odds(r["adjusted"]),
                         "significant": figures.significant(r)} for v, r in report["outcomes"].items()},
        "by_country": report["by_country"], "by_municipality": report["by_municipality"],
        "selection": selection.params(),
    }


class InnovationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Innovation records: staff and council read them; staff register, edit, import them."""

    serializer_class = InnovationSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]  # restapi's JSON parser
    queryset = Innovation.objects.none()

    def get_queryset(self):
        if self.action == "list":
            municipality = _municipality_param(self.request)
            _require(self.request, "reports.view_innovations", municipality)
            return selectors.innovation_list(municipality=municipality).prefetch_related("ideas")
        return Innovation.objects.select_related("municipality").prefetch_related("ideas")

    def get_object(self) -> Innovation:
        innovation = selectors.innovation_get(pk=self.kwargs["pk"])
        if innovation is None or not self.request.user.has_perm("reports.view_innovations", innovation.municipality):
            raise NotFound()
        return innovation

    @extend_schema(parameters=[MUNICIPALITY_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InnovationCreateSerializer, responses={201: InnovationSerializer})
    def create(self, request):
        serializer = InnovationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        municipality = data.pop("municipality")
        _require(request, "reports.manage_innovations", municipality)
        innovation = services.innovation_create(municipality=municipality, **data)
        return Response(InnovationSerializer(innovation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InnovationUpdateSerializer, responses=InnovationSerializer)
    def partial_update(self, request, pk=None):
        innovation = self.get_object()
        _require(request, "reports.manage_innovations", innovation.municipality)
        # A copy for the form, which writes what it reads into its instance.
        serializer = InnovationUpdateSerializer(data=request.data, partial=True, context={"form_kwargs": {
            "municipality": innovation.municipality, "instance": Innovation.objects.get(pk=innovation.pk)}})
        serializer.is_valid(raise_exception=True)
        innovation = services.innovation_update(innovation=innovation, **serializer.validated_data)
        return Response(InnovationSerializer(innovation).data)

    def destroy(self, request, pk=None):
        innovation = self.get_object()
        _require(request, "reports.manage_innovations", innovation.municipality)
        services.innovation_delete(innovation=innovation)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[MUNICIPALITY_PARAM], request={"multipart/form-data": ImportSerializer},
                   responses={201: ImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import")
    def import_csv(self, request):
        """All or nothing: errors come back by line and column under `fields.file`."""
        municipality = _municipality_param(request)
        _require(request, "reports.manage_innovations", municipality)
        serializer = ImportSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            counts = services.innovations_import(municipality=municipality,
                                                 data=serializer.validated_data["file"].read())
        except DjangoValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        return Response(counts, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[MUNICIPALITY_PARAM], responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=False, methods=["get"], url_path="export")
    def export_csv(self, request):
        import io

        municipality = _municipality_param(request)
        _require(request, "reports.view_innovations", municipality)
        out = io.StringIO()
        innovation_csv.write(selectors.innovation_rows(selectors.innovation_list(municipality=municipality).order_by("pk")), out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="hoest-{municipality.slug}-innovations.csv"'
        return response


class ReportViewSet(viewsets.GenericViewSet):
    """The barometer's figures for the staff and council of a municipality."""

    permission_classes = [IsAuthenticated]
    lookup_field = "slug"
    lookup_url_kwarg = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # Django's slug converter: anything else is a 404
    queryset = Municipality.objects.all()
    serializer_class = BarometerSerializer

    def get_object(self) -> Municipality:
        municipality = municipality_get(slug=self.kwargs["slug"])
        if municipality is None:
            raise NotFound()
        _require(self.request, "reports.view_reports", municipality)
        return municipality

    @extend_schema(parameters=SELECTION_PARAMS, responses=BarometerSerializer)
    @action(detail=True, methods=["get"])
    def barometer(self, request, slug=None):
        municipality = self.get_object()
        selection = selectors.Selection.from_params(request.query_params, default_municipality=municipality.slug)
        return Response(barometer_json(selectors.barometer(selection), selection))

    @extend_schema(responses=FunnelSerializer)
    @action(detail=True, methods=["get"])
    def funnel(self, request, slug=None):
        return Response(selectors.funnel(self.get_object()))

    @extend_schema(parameters=[OpenApiParameter("innovation", int, required=True)], responses=CoCreationProfileSerializer)
    @action(detail=True, methods=["get"])
    def cocreation(self, request, slug=None):
        municipality = self.get_object()
        pk = whole_number(request.query_params.get("innovation"))
        innovation = selectors.innovation_get(pk=pk) if pk is not None else None
        if innovation is None or innovation.municipality_id != municipality.pk:
            raise NotFound()
        _require(request, "reports.manage_cocreation", municipality)
        return Response(selectors.cocreation_profile(innovation))

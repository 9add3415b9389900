"""The dinner dialogues API: the pages' selectors, services and rules, nothing more."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import municipality_default, municipality_get

from . import selectors, services
from .models import Dinner, Programme, Seat
from .serializers import (
    CancelSerializer,
    DecideSerializer,
    DinnerSerializer,
    DinnerWriteSerializer,
    GuestSerializer,
    MatchRequestInputSerializer,
    MatchRequestSerializer,
    OverviewSerializer,
    PrivateDinnerSerializer,
    ProgrammePictureSerializer,
    ProgrammeSerializer,
    ReportCreatedSerializer,
    ReportSerializer,
    SeatRequestSerializer,
    SeatSerializer,
)


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _dinner_data(request, dinner) -> dict:
    private = request.user.has_perm("dinners.view_address", dinner)
    return (PrivateDinnerSerializer if private else DinnerSerializer)(dinner).data


class ProgrammeViewSet(viewsets.GenericViewSet):
    """Dinner programmes: the municipality's questions and the dinners around them."""

    queryset = Programme.objects.none()
    serializer_class = ProgrammeSerializer
    permission_classes = [AllowAny]

    def get_object(self) -> Programme:
        programme = selectors.programme_get(pk=self.kwargs["pk"])
        if programme is None:
            raise NotFound()
        return programme

    @extend_schema(parameters=[OpenApiParameter("municipality", str)], responses=ProgrammeSerializer(many=True))
    def list(self, request):
        slug = request.query_params.get("municipality")
        municipality = municipality_get(slug=slug) if slug else municipality_default()
        if municipality is None:
            raise NotFound()
        page = self.paginate_queryset(selectors.programme_list(municipality=municipality)
                                      .prefetch_related("questions", "districts").select_related("municipality"))
        return self.get_paginated_response(ProgrammeSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ProgrammeSerializer(self.get_object()).data)

    @extend_schema(methods=["GET"], responses=DinnerSerializer(many=True))
    @extend_schema(methods=["POST"], request=DinnerWriteSerializer, responses={201: PrivateDinnerSerializer})
    @action(detail=True, methods=["get", "post"])
    def dinners(self, request, pk=None):
        """The programme's dinners (no addresses), or offer one as host."""
        programme = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.dinner_list(programme=programme, user=request.user))
            return self.get_paginated_response(DinnerSerializer(page, many=True).data)
        if not request.user.is_authenticated:
            raise PermissionDenied
        _require(request, "dinners.host_dinner", programme)
        serializer = DinnerWriteSerializer(data=request.data, context={"form_kwargs": {"programme": programme}})
        serializer.is_valid(raise_exception=True)
        dinner = services.dinner_offer(programme=programme, host=request.user, **serializer.validated_data)
        return Response(PrivateDinnerSerializer(selectors.dinner_get(pk=dinner.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MatchRequestInputSerializer, responses={201: MatchRequestSerializer})
    @action(detail=True, methods=["post"], url_path="any", permission_classes=[IsAuthenticated])
    def any_dinner(self, request, pk=None):
        """Ask for any dinner near me; placed when the sign-up closes."""
        programme = self.get_object()
        _require(request, "dinners.request_any_dinner", programme)
        serializer = MatchRequestInputSerializer(data=request.data, context={"form_kwargs": {"programme": programme}})
        serializer.is_valid(raise_exception=True)
        match = services.match_request_create(programme=programme, guest=request.user, **serializer.validated_data)
        return Response(MatchRequestSerializer(match).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgrammePictureSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["patch"], permission_classes=[IsAuthenticated])
    def picture(self, request, pk=None):
        """Change or remove the programme's picture: its municipality's staff."""
        programme = self.get_object()
        _require(request, "dinners.manage_programme", programme)
        serializer = ProgrammePictureSerializer(data=request.data, context={
            "request": request, "form_kwargs": {"instance": Programme.objects.get(pk=programme.pk)}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.programme_picture_set(programme=programme, image=data.get("image"), image_alt=data["image_alt"],
                                       remove_image=data.get("remove_image", False))
        return Response(ProgrammeSerializer(selectors.programme_get(pk=programme.pk)).data)

    @extend_schema(responses=OverviewSerializer)
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def overview(self, request, pk=None):
        programme = self.get_object()
        _require(request, "dinners.view_overview", programme)
        return Response(OverviewSerializer(selectors.overview(municipality=programme.municipality,
                                                              programme=programme)).data)


class DinnerViewSet(viewsets.GenericViewSet):
    """One dinner. The address is in the answer only for its host, its confirmed guests and
    the municipality's staff."""

    queryset = Dinner.objects.none()
    serializer_class = DinnerSerializer
    permission_classes = [AllowAny]

    def get_object(self) -> Dinner:
        dinner = selectors.dinner_get(pk=self.kwargs["pk"])
        if dinner is None or not self.request.user.has_perm("dinners.view_dinner", dinner):
            raise NotFound()
        return dinner

    @extend_schema(responses=DinnerSerializer,
                   description="`address` is added for the host, confirmed guests and the municipality's staff.")
    def retrieve(self, request, pk=None):
        return Response(_dinner_data(request, self.get_object()))

    @extend_schema(request=DinnerWriteSerializer, responses=PrivateDinnerSerializer)
    def partial_update(self, request, pk=None):
        dinner = self.get_object()
        _require(request, "dinners.change_dinner", dinner)
        # A copy for the form, which writes what it reads into its instance.
        serializer = DinnerWriteSerializer(data=request.data, partial=True, context={"form_kwargs": {
            "programme": dinner.programme, "instance": Dinner.objects.get(pk=dinner.pk)}})
        serializer.is_valid(raise_exception=True)
        services.dinner_update(dinner=dinner, actor=request.user,
                               **{name: serializer.validated_data[name] for name in serializer.form.changed_data})
        return Response(_dinner_data(request, selectors.dinner_get(pk=dinner.pk)))

    @extend_schema(request=CancelSerializer, responses=PrivateDinnerSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def cancel(self, request, pk=None):
        dinner = self.get_object()
        _require(request, "dinners.change_dinner", dinner)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.dinner_cancel(dinner=dinner, actor=request.user, **serializer.validated_data)
        return Response(_dinner_data(request, selectors.dinner_get(pk=dinner.pk)))

    @extend_schema(request=DecideSerializer, responses=DinnerSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def decide(self, request, pk=None):
        dinner = self.get_object()
        _require(request, "dinners.decide_dinner", dinner)
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.dinner_decide(dinner=dinner, actor=request.user, **serializer.validated_data)
        return Response(_dinner_data(request, selectors.dinner_get(pk=dinner.pk)))

    @extend_schema(request=SeatRequestSerializer, responses={201: SeatSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def seats(self, request, pk=None):
        """Take a seat, or a place on the waiting list when the dinner is full (status says
        which). Asking twice returns the same place."""
        dinner = self.get_object()
        _require(request, "dinners.book_seat", dinner)
        serializer = SeatRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = services.seat_book(dinner=dinner, guest=request.user, **serializer.validated_data)
        return Response(SeatSerializer(seat).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=GuestSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated], pagination_class=None)
    def guests(self, request, pk=None):
        dinner = self.get_object()
        _require(request, "dinners.view_guests", dinner)
        return Response(GuestSerializer(selectors.guest_list(dinner), many=True).data)

    @extend_schema(request=ReportSerializer, responses={201: ReportCreatedSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def report(self, request, pk=None):
        dinner = self.get_object()
        _require(request, "dinners.file_report", dinner)
        serializer = ReportSerializer(data=request.data,
                                      context={"form_kwargs": {"questions": dinner.programme.questions.all()}})
        serializer.is_valid(raise_exception=True)
        report = services.report_file(dinner=dinner, author=request.user, **serializer.validated_data)
        return Response({"id": report.pk, "ideas": list(report.harvested.values_list("idea_id", flat=True))},
                        status=status.HTTP_201_CREATED)


class SeatViewSet(viewsets.GenericViewSet):
    """My own seats and waiting places."""

    queryset = Seat.objects.none()
    serializer_class = SeatSerializer
    permission_classes = [IsAuthenticated]

    def list(self, request):
        page = self.paginate_queryset(selectors.my_seats(user=request.user))
        return self.get_paginated_response(SeatSerializer(page, many=True).data)

    @extend_schema(request=None, responses=SeatSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        seat = Seat.objects.select_related("dinner__programme__municipality").filter(pk=pk).first()
        if seat is None or not request.user.has_perm("dinners.cancel_seat", seat):
            raise NotFound()
        return Response(SeatSerializer(services.seat_cancel(seat=seat, actor=request.user)).data)

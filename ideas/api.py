"""The ideas API: the same selectors, services and rules as the pages."""
from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Municipality
from accounts.selectors import municipality_default, municipality_get
from restapi.parsers import JSONParser
from ui.numbers import whole_number

from . import moderation_sources, selectors, services
from .models import Campaign, Comment, Idea, Source
from .serializers import (
    CampaignSerializer,
    CampaignUpdateSerializer,
    CampaignWriteSerializer,
    CommentInputSerializer,
    CommentSerializer,
    FlagSerializer,
    IdeaCreateSerializer,
    IdeaDetailSerializer,
    IdeaListSerializer,
    MergeSerializer,
    ModerationEventSerializer,
    ModerationSerializer,
    QueueItemSerializer,
    RolesInputSerializer,
    RolesSerializer,
    StatusSerializer,
)
from .services.campaigns import CAMPAIGN_FIELDS

MUNICIPALITY_PARAM = OpenApiParameter("municipality", str, description="Municipality slug (default: the site's)")
IDEMPOTENCY_PARAM = OpenApiParameter(
    "Idempotency-Key", uuid.UUID, OpenApiParameter.HEADER,
    description="A UUID per idea: a retried request with the same key and content returns the idea "
                "the first request made instead of making a second.")


def _idempotency_key(request) -> uuid.UUID | None:
    value = request.headers.get("Idempotency-Key")
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({"Idempotency-Key": [_("Give a UUID.")]}) from None


def _municipality(request) -> Municipality:
    slug = request.query_params.get("municipality")
    municipality = municipality_get(slug=slug) if slug else municipality_default()
    if municipality is None:
        raise NotFound()
    return municipality


def _submission_municipality(request) -> Municipality:
    """The municipality whose idea form takes a submission: the chosen campaign's (an API
    client names the campaign where the page's address names the municipality). Without a
    campaign it knows, the one asked for, whose form then says what is wrong."""
    pk = whole_number(request.data.get("campaign")) if isinstance(request.data, Mapping) else None
    campaign = selectors.campaign_get(pk=pk) if pk is not None else None
    return campaign.municipality if campaign is not None else _municipality(request)


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Campaigns: questions the municipality asks citizens, with their frame."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.campaign_list(municipality=_municipality(self.request)).select_related("municipality")
        return Campaign.objects.select_related("municipality")

    def get_serializer_class(self):
        return CampaignWriteSerializer if self.action == "create" else CampaignSerializer

    @extend_schema(parameters=[MUNICIPALITY_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CampaignWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        _require(request, "ideas.manage_campaigns", data["municipality"])
        data.pop("remove_image", None)  # nothing to remove on a new campaign
        campaign = services.campaign_create(**data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignUpdateSerializer, responses=CampaignSerializer)
    def partial_update(self, request, pk=None):
        """Change a campaign and its frame, or its picture: its municipality's staff."""
        campaign = self.get_object()
        _require(request, "ideas.manage_campaigns", campaign.municipality)
        serializer = CampaignUpdateSerializer(data=request.data, context={
            "request": request, "form_kwargs": {"instance": Campaign.objects.get(pk=campaign.pk)}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        campaign = services.campaign_update(
            campaign=campaign, image=data.get("image"), remove_image=data.get("remove_image", False),
            **{name: data[name] for name in CAMPAIGN_FIELDS})
        return Response(CampaignSerializer(campaign).data)


class IdeaViewSet(viewsets.GenericViewSet):
    """Ideas: list, search, submit, support, follow, comment, report; staff answers."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]  # restapi's JSON parser
    queryset = Idea.objects.none()  # for the schema's path types; reads go through selectors
    serializer_class = IdeaDetailSerializer

    def get_object(self, perm: str = "ideas.view_idea") -> Idea:
        idea = selectors.idea_get(pk=self.kwargs["pk"])
        if idea is None or not self.request.user.has_perm("ideas.view_idea", idea):
            raise NotFound()
        _require(self.request, perm, idea)
        return idea

    @extend_schema(parameters=[
        MUNICIPALITY_PARAM, OpenApiParameter("q", str), OpenApiParameter("campaign", int),
        OpenApiParameter("status", str), OpenApiParameter("category", int), OpenApiParameter("district", int),
        OpenApiParameter("sort", str, enum=["", "newest", "supported", "discussed"]),
    ], responses=IdeaListSerializer(many=True))
    def list(self, request):
        params = request.query_params

        filters = selectors.IdeaFilters(
            q=params.get("q", "")[:200], campaign=whole_number(params.get("campaign")), status=params.get("status", ""),
            category=whole_number(params.get("category")),
            district=whole_number(params.get("district")), sort=params.get("sort", ""))
        page = self.paginate_queryset(selectors.idea_list(municipality=_municipality(request), filters=filters))
        return self.get_paginated_response(IdeaListSerializer(page, many=True).data)

    @extend_schema(request=IdeaCreateSerializer, responses={201: IdeaDetailSerializer},
                   parameters=[IDEMPOTENCY_PARAM])
    def create(self, request):
        serializer = IdeaCreateSerializer(data=request.data, context={
            "request": request, "form_kwargs": {"municipality": _submission_municipality(request)}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require(request, "ideas.submit_idea", data["campaign"])
        source = data.get("source", Source.PLATFORM)  # the citizen's form has none
        if source != Source.PLATFORM:
            _require(request, "ideas.enter_on_behalf", data["campaign"].municipality)
        idea = services.idea_submit(
            author=request.user, campaign=data["campaign"], title=data["title"], body=data["body"],
            category=data["category"], district=data["district"], latitude=data["latitude"],
            longitude=data["longitude"], source=source, citizen_name=data.get("citizen_name", ""),
            images=[(f, data["image_description"]) for f in data["images"]],
            submission_key=_idempotency_key(request))
        return Response(IdeaDetailSerializer(selectors.idea_get(pk=idea.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=IdeaDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(IdeaDetailSerializer(self.get_object()).data)

    @extend_schema(parameters=[MUNICIPALITY_PARAM, OpenApiParameter("q", str, required=True)],
                   responses=IdeaListSerializer(many=True))
    @action(detail=False, permission_classes=[AllowAny], pagination_class=None)  # a plain list
    def similar(self, request):
        ideas = selectors.idea_similar(municipality=_municipality(request), text=request.query_params.get("q", "")[:200])
        return Response(IdeaListSerializer(ideas, many=True).data)

    @extend_schema(request=None, responses={200: IdeaListSerializer})
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def support(self, request, pk=None):
        if request.method == "DELETE":
            idea = self.get_object()
            services.idea_support_withdraw(idea=idea, user=request.user)
        else:
            idea = self.get_object("ideas.support_idea")
            services.idea_support(idea=idea, user=request.user)
        return Response(IdeaListSerializer(selectors.idea_get(pk=idea.pk)).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def follow(self, request, pk=None):
        idea = self.get_object("ideas.follow_idea")
        if request.method == "DELETE":
            services.idea_unfollow(idea=idea, user=request.user)
        else:
            services.idea_follow(idea=idea, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a plain list
    def comments(self, request, pk=None):
        if request.method == "GET":
            idea = self.get_object()
            comments = selectors.idea_comments(idea=idea, include_hidden=request.user.has_perm("ideas.moderate", idea))
            return Response(CommentSerializer(comments, many=True).data)
        idea = self.get_object("ideas.comment_idea")
        serializer = CommentInputSerializer(data=request.data, context={"form_kwargs": {"idea": idea}})
        serializer.is_valid(raise_exception=True)
        comment = services.comment_add(idea=idea, author=request.user, body=serializer.validated_data["body"],
                                       parent=serializer.validated_data["parent"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FlagSerializer, responses={201: None})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def flags(self, request, pk=None):
        idea = self.get_object("ideas.flag")
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_add(user=request.user, idea=idea, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=FlagSerializer, responses={201: None})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            url_path=r"comments/(?P<comment_id>\d+)/flags")
    def comment_flags(self, request, pk=None, comment_id=None):
        idea = self.get_object()
        comment = get_object_or_404(Comment.objects.select_related("idea__municipality"), pk=comment_id, idea=idea)
        _require(request, "ideas.flag", comment)
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_add(user=request.user, comment=comment, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=StatusSerializer, responses=IdeaDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def status(self, request, pk=None):
        idea = self.get_object("ideas.change_status")
        serializer = StatusSerializer(data=request.data, context={"form_kwargs": {"current": idea.status}})
        serializer.is_valid(raise_exception=True)
        services.idea_status_change(actor=request.user, idea=idea, **serializer.validated_data)
        return Response(IdeaDetailSerializer(selectors.idea_get(pk=idea.pk)).data)

    @extend_schema(request=RolesInputSerializer, responses=RolesSerializer)
    @action(detail=True, methods=["get", "put", "patch"], permission_classes=[IsAuthenticated])
    def roles(self, request, pk=None):
        idea = self.get_object("ideas.record_roles")
        if request.method == "GET":
            return Response(RolesSerializer(idea).data)
        # A copy for the form, which writes what it reads into its instance.
        serializer = RolesInputSerializer(data=request.data, partial=request.method == "PATCH",
                                          context={"form_kwargs": {"instance": Idea.objects.get(pk=idea.pk)}})
        serializer.is_valid(raise_exception=True)
        idea = services.idea_roles_record(actor=request.user, idea=idea, **serializer.validated_data)
        return Response(RolesSerializer(idea).data)

    @extend_schema(request=MergeSerializer, responses=IdeaDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def merge(self, request, pk=None):
        duplicate = self.get_object("ideas.merge")
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = selectors.idea_get(pk=serializer.validated_data["into"])
        if into is None or not request.user.has_perm("ideas.merge", into):
            raise ValidationError({"into": [_("There is no such idea in this municipality.")]})
        into = services.idea_merge(actor=request.user, duplicate=duplicate, into=into,
                                   reason=serializer.validated_data["reason"])
        return Response(IdeaDetailSerializer(selectors.idea_get(pk=into.pk)).data)

    @extend_schema(responses=ModerationEventSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated], pagination_class=None)
    def history(self, request, pk=None):
        idea = self.get_object("ideas.view_history")
        return Response(ModerationEventSerializer(selectors.idea_moderation_history(idea=idea), many=True).data)


class ModerationQueueView(APIView):
    """What waits for a moderator in a municipality."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[MUNICIPALITY_PARAM], responses=QueueItemSerializer(many=True))
    def get(self, request):
        municipality = _municipality(request)
        _require(request, "ideas.moderate", municipality)
        queue = selectors.moderation_queue(municipality=municipality)
        def item(target, kind: str, title: str) -> dict:
            return {"id": target.pk, "kind": kind, "title": title, "body": target.body,
                    "author": target.author.public_name, "visibility": target.visibility,
                    "flag_count": target.open_flag_count,
                    "flags": [f.reason for f in target.open_flags],
                    "reports": [{"reason": f.reason, "reason_display": f.get_reason_display(),
                                 "explanation": f.explanation} for f in target.open_flags],
                    "created_at": target.created_at}

        items = [item(i, "idea", i.title) for i in queue["ideas"]]
        items += [item(c, "comment", c.idea.title) for c in queue["comments"]]
        items += [{"id": i.pk, "kind": i.kind, "title": i.title, "body": i.body, "author": i.author,
                   "visibility": i.visibility, "flag_count": i.open_flag_count,
                   "flags": [f.reason for f in i.open_flags],
                   "reports": [{"reason": f.reason, "reason_display": f.get_reason_display(),
                                "explanation": f.explanation} for f in i.open_flags],
                   "created_at": i.created_at}
                  for _source, found in queue["sources"] for i in found]
        return Response(QueueItemSerializer(items, many=True).data)


class ModerationActionView(APIView):
    """Approve, hide (with a reason the author is told) or restore an item of the queue:
    `kind` is `ideas`, `comments` (on ideas) or another app's (`project-comments`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ModerationSerializer, responses={204: None})
    def post(self, request, kind: str, pk: int):
        source = moderation_sources.source_for(kind)
        if source is not None:
            target = source.get(pk)
            if target is None:
                raise NotFound()
            _require(request, source.perm, target)
        elif kind == "ideas":
            target = get_object_or_404(Idea.objects.select_related("municipality"), pk=pk)
            _require(request, "ideas.moderate", target)
        elif kind == "comments":
            target = get_object_or_404(Comment.objects.select_related("idea__municipality"), pk=pk)
            _require(request, "ideas.moderate", target)
        else:
            raise NotFound()
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action, reason = serializer.validated_data["action"], serializer.validated_data["reason"]
        if source is not None:
            source.moderate(action=action, actor=request.user, target=target, reason=reason)
        else:
            call = {"approve": services.moderation_approve, "hide": services.moderation_hide,
                    "restore": services.moderation_restore}[action]
            call(actor=request.user, reason=reason, **{"idea" if kind == "ideas" else "comment": target})
        return Response(status=status.HTTP_204_NO_CONTENT)

"""The signed-in person's own notifications through the API: the list (newest first, as in
the centre) and marking them read. Only their own: any other id is not found."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="notice.pk")
    kind = serializers.CharField(source="notice.kind", help_text="The kind of notice, e.g. ideas.status_changed")
    category = serializers.CharField(help_text="The group of kinds it belongs to on the e-mail choices page")
    text = serializers.CharField(help_text="One short sentence, in the request's language")
    url = serializers.CharField(allow_blank=True, help_text="The site path of what it is about; empty when it is gone")
    created_at = serializers.DateTimeField(source="notice.created_at")
    read_at = serializers.DateTimeField(source="notice.read_at", allow_null=True)
    unread = serializers.BooleanField()


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False,
                                      help_text="Only the notifications not read yet")


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False,
                                max_length=100, help_text="The notifications to mark read (at most 100)")
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notification read")

    def validate(self, data):
        if bool(data.get("ids")) == bool(data.get("all")):
            raise serializers.ValidationError({"ids": [_("Give the ids to mark read, or all: true.")]})
        return data


MarkedSerializer = inline_serializer("NotificationsMarked", {
    "marked": serializers.IntegerField(help_text="How many were unread and are read now"),
    "unread": serializers.IntegerField(help_text="How many are still unread"),
})


class NotificationListView(generics.ListAPIView):
    """My notifications, newest first: what happened to my ideas, the ideas I follow, my
    dinners and the budgets I follow."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self):
        notices = selectors.notices_for(user=self.request.user)
        query = NotificationFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["unread"]:
            notices = notices.filter(read_at__isnull=True)
        return notices

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only the notifications not read yet")])
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(selectors.items_for(list(page)), many=True).data)


def _marked(request, marked: int) -> Response:
    return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})


class NotificationsReadView(APIView):
    """Mark my notifications read: those of `ids` (each must be mine, or nothing is marked
    and the answer is 404), or all of them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_notifications_read_many", request=MarkReadSerializer, responses=MarkedSerializer)
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data.get("all") else data.validated_data["ids"]
        try:
            marked = services.notices_mark_read(user=request.user, notice_ids=ids)
        except LookupError:
            raise NotFound() from None
        return _marked(request, marked)


class NotificationReadView(APIView):
    """Mark one of my notifications read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_notification_read", request=None, responses=MarkedSerializer)
    def post(self, request, pk: int):
        try:
            marked = services.notices_mark_read(user=request.user, notice_ids=[pk])
        except LookupError:
            raise NotFound() from None
        return _marked(request, marked)

"""The ideas API's shapes. What the API takes is what the pages' forms take
(restapi.forms.FormSerializer); what it returns is written out here."""
from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import Municipality
from restapi.forms import FormSerializer
from restapi.pictures import PictureField

from .forms import (
    CampaignForm,
    CommentForm,
    FlagForm,
    IdeaForm,
    MergeForm,
    ModerationForm,
    RolesForm,
    StaffIdeaForm,
    StatusForm,
)
from .models import Campaign, Comment, Idea, Source, Status, StatusChange
from .services.ideas import MAX_IMAGES


class CampaignSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_open = serializers.SerializerMethodField()
    image = PictureField()

    class Meta:
        model = Campaign
        fields = ["id", "municipality", "title", "description", "open_to_influence", "fixed_frame",
                  "decided_by", "answer_by", "opens_at", "closes_at", "is_general_idea_box", "is_open", "image"]

    def get_is_open(self, campaign) -> bool:
        return campaign.is_open()


class CampaignWriteSerializer(FormSerializer):
    """A campaign and its frame, in the municipality named; its picture as a file in a
    multipart request."""

    form_class = CampaignForm
    # The API's own: the staff page has the municipality in its address.
    municipality = serializers.SlugRelatedField(slug_field="slug", queryset=Municipality.objects.all(),
                                                label=_("Municipality"))


class CampaignUpdateSerializer(FormSerializer):
    """A change to a campaign, as its staff page's form takes it: a field left out keeps
    its value; a new picture as a file in a multipart request, or `remove_image`."""

    form_class = CampaignForm


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "answer", "created_at"]


class IdeaListSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_name", read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    # Nullable: an idea may have no category or district (the schema said "string" only).
    category = serializers.CharField(source="category.name", default=None, read_only=True, allow_null=True)
    district = serializers.CharField(source="district.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Idea
        fields = ["id", "title", "campaign", "category", "district", "status", "author",
                  "support_count", "comment_count", "created_at"]


class IdeaDetailSerializer(IdeaListSerializer):
    body_html = serializers.CharField(read_only=True, help_text="The text rendered from Markdown, sanitised.")
    answers = StatusChangeSerializer(source="status_changes", many=True, read_only=True)
    images = serializers.SerializerMethodField()
    merged_into = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # null unless merged

    class Meta(IdeaListSerializer.Meta):
        fields = [*IdeaListSerializer.Meta.fields, "body", "body_html", "latitude", "longitude",
                  "visibility", "merged_into", "answers", "images", "citizens_initiated",
                  "citizens_promoted", "citizens_cocreated"]

    def get_images(self, idea) -> list[dict]:
        return [{"url": i.image.url, "alt_text": i.alt_text, "width": i.width, "height": i.height}
                for i in idea.images.all()]


class IdeaCreateSerializer(FormSerializer):
    """An idea for an open campaign. With a `source` other than "platform", an idea staff
    type in for a citizen who gave it on paper, by phone or at a meeting."""

    # A citizen's idea is checked by the submit page's form, one received elsewhere by the
    # form staff use for it (get_form_class); the schema shows what either takes. The form's
    # municipality (form_kwargs) is the campaign's. The page's hidden one-time key is the
    # API's Idempotency-Key header.
    form_class = StaffIdeaForm
    form_exclude = ("submission_key",)
    images = serializers.ListField(child=serializers.FileField(), required=False, max_length=MAX_IMAGES,
                                   label=IdeaForm.base_fields["images"].label,
                                   help_text=IdeaForm.base_fields["images"].help_text)
    source = serializers.ChoiceField(choices=Source.choices, default=Source.PLATFORM, label=_("Received"),
                                     help_text=_("Anything but “platform” is an idea staff type in for a citizen."))

    def get_form_class(self):
        source = self.initial_data.get("source") if isinstance(self.initial_data, Mapping) else None
        return IdeaForm if source in (None, "", Source.PLATFORM) else StaffIdeaForm


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.public_name", read_only=True)
    body_html = serializers.CharField(read_only=True)
    replies = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "parent", "author", "body", "body_html", "created_at", "replies"]
        read_only_fields = ["id", "author", "body_html", "created_at", "replies"]
        extra_kwargs = {"parent": {"required": False, "allow_null": True, "queryset": Comment.objects.all()}}

    def get_replies(self, comment) -> list[dict]:
        replies = getattr(comment, "thread_replies", [])  # set by selectors.idea_comments
        return CommentSerializer(replies, many=True, context=self.context).data


@extend_schema_serializer(component_name="Comment")  # the request's name before the form was its definition
class CommentInputSerializer(FormSerializer):
    """A comment, or with `parent` a reply to a comment on the same idea."""

    form_class = CommentForm  # form_kwargs: the idea


class FlagSerializer(FormSerializer):
    form_class = FlagForm


class StatusSerializer(FormSerializer):
    """A new public status with the answer that goes with it; the idea's current status
    decides which it can move to."""

    form_class = StatusForm  # form_kwargs: the idea's current status
    # The form offers the statuses the idea can move to; the schema names them all.
    to_status = serializers.ChoiceField(choices=Status.choices, label=_("New status"))


@extend_schema_serializer(component_name="Roles")  # the request's name before the form was its definition
class RolesInputSerializer(FormSerializer):
    """The part citizens played in the idea; what a request leaves out stays as it is."""

    form_class = RolesForm  # form_kwargs: the idea as its instance


class RolesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Idea
        fields = ["citizens_initiated", "citizens_initiated_note", "citizens_promoted",
                  "citizens_promoted_note", "citizens_cocreated", "citizens_cocreated_note"]


class MergeSerializer(FormSerializer):
    form_class = MergeForm


class ModerationSerializer(FormSerializer):
    form_class = ModerationForm


class ModerationEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    reason = serializers.CharField(source="reason_display")
    actor = serializers.SerializerMethodField()
    comment = serializers.IntegerField(source="comment_id", allow_null=True)
    created_at = serializers.DateTimeField()

    def get_actor(self, event) -> str | None:
        return event.actor.public_name if event.actor_id else None


class FlagReportSerializer(serializers.Serializer):
    reason = serializers.CharField()
    reason_display = serializers.CharField()
    explanation = serializers.CharField()


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField()
    #: "pending" (waits for approval) or "visible" (published, and reported)
    visibility = serializers.CharField()
    #: open reports, not yet dealt with by a moderator
    flag_count = serializers.IntegerField()
    flags = serializers.ListField(child=serializers.CharField(), help_text="The open reports' reasons.")
    reports = FlagReportSerializer(many=True)
    created_at = serializers.DateTimeField()

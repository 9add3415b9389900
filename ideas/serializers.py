from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import District, Municipality
from restapi.forms import FormSerializer

from .forms import FlagForm
from .models import Campaign, Category, Comment, Idea, Source, Status, StatusChange
from .services.campaigns import CAMPAIGN_FIELDS


class CampaignSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "municipality", "title", "description", "open_to_influence", "fixed_frame",
                  "decided_by", "answer_by", "opens_at", "closes_at", "is_general_idea_box", "is_open"]

    def get_is_open(self, campaign) -> bool:
        return campaign.is_open()


class CampaignWriteSerializer(serializers.ModelSerializer):
    """The campaign's fields as the staff pages' form has them (CAMPAIGN_FIELDS); the service
    validates the whole campaign (Campaign.clean) for both."""

    municipality = serializers.SlugRelatedField(slug_field="slug", queryset=Municipality.objects.all())

    class Meta:
        model = Campaign
        fields = ["municipality", *CAMPAIGN_FIELDS]


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


class IdeaCreateSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), label=_("Campaign"))
    title = serializers.CharField(max_length=140, label=_("Title"))
    body = serializers.CharField(max_length=10_000, label=_("Description"))
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False,
                                                  allow_null=True, label=_("Category"))
    district = serializers.IntegerField(required=False, allow_null=True, label=_("District"))
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                        min_value=-90, max_value=90, label=_("Latitude"))
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         min_value=-180, max_value=180, label=_("Longitude"))
    images = serializers.ListField(child=serializers.FileField(), required=False, max_length=3,
                                   label=_("Images"))
    image_description = serializers.CharField(max_length=200, required=False, default="")
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.PLATFORM)
    citizen_name = serializers.CharField(max_length=120, required=False, default="")

    def validate_district(self, value):
        if value is None:
            return None
        district = District.objects.filter(pk=value).first()
        if district is None:
            raise serializers.ValidationError(_("Unknown district."))
        return district


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


class FlagSerializer(FormSerializer):
    form_class = FlagForm


class StatusSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices, label=_("New status"))
    answer = serializers.CharField(max_length=5000, allow_blank=True, label=_("Public answer"))


class RolesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Idea
        fields = ["citizens_initiated", "citizens_initiated_note", "citizens_promoted",
                  "citizens_promoted_note", "citizens_cocreated", "citizens_cocreated_note"]


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, label=_("Idea to merge into"))
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ModerationSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("approve", "approve"), ("hide", "hide"), ("restore", "restore")])
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


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

"""A model's picture (ui.images.picture_store) in the API's answers."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ui.images import picture_data


class PictureSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The picture, at most 1600 pixels wide.")
    small_url = serializers.CharField(help_text="A WebP at most 640 pixels wide, in the same proportions.")
    width = serializers.IntegerField(help_text="The width of the picture at `url`, in pixels.")
    height = serializers.IntegerField(help_text="Its height, in pixels.")
    alt = serializers.CharField(help_text="What the picture shows, for people who cannot see it.")


@extend_schema_field(PictureSerializer(allow_null=True))
class PictureField(serializers.Field):
    """The instance's picture, or null when it has none (read only)."""

    def __init__(self, field: str = "image", **kwargs):
        self.picture_field = field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return picture_data(value, self.picture_field)

from rest_framework import serializers

from .models import Membership, User


class MembershipSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["municipality", "role"]


class MeSerializer(serializers.ModelSerializer):
    # Both may be empty (a staff member or a new account lives in no district): the schema
    # says so, as a generated client rejects a null it was not told about.
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    roles = MembershipSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "email", "display_name", "preferred_language", "birth_year",
            "municipality", "district", "roles",
        ]
        read_only_fields = fields

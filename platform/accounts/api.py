from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import MeSerializer


class MeView(APIView):
    """The signed-in person's own account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = type(request.user).objects.select_related("municipality", "district").prefetch_related(
            "memberships__municipality"
        ).get(pk=request.user.pk)
        return Response(MeSerializer(user).data)

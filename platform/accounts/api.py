from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import user_for_api
from .serializers import MeSerializer


class MeView(APIView):
    """The signed-in person's own account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(user_for_api(user_id=request.user.pk)).data)

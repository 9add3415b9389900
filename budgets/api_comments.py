"""The API's comments on projects: list, write and report them as on the project's page
(budgets.views_projects), with the page's form, rules and services. Moderators decide on them
in the one moderation API (/api/v1/moderation/project-comments/{id}/, ideas.api). A mixin of
budgets.api.BudgetViewSet, whose `get_object` and `_require` it uses."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ideas.serializers import FlagSerializer

from . import selectors
from .comments import selectors as comment_selectors
from .comments import services as comment_services
from .serializers import ProjectCommentInputSerializer, ProjectCommentSerializer


class CommentActions:
    """Anyone reads a project's published comments; a signed-in person writes while the
    process is in a phase for comments, and reports others' published comments."""

    def _commented_project(self, code: str):
        process = self.get_object()
        project = selectors.project_get(process=process, code=code)
        if project is None:
            raise NotFound()
        return process, project

    @extend_schema(methods=["GET"], responses=ProjectCommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProjectCommentInputSerializer, responses={201: ProjectCommentSerializer})
    @action(detail=True, methods=["get", "post"], url_path=r"projects/(?P<code>[^/]+)/comments",
            pagination_class=None)  # a plain list, as an idea's comments
    def project_comments(self, request, pk=None, code=None):
        """The project's comments, oldest first, each with its replies: the published ones and
        your own (waiting for a moderator, or hidden); a moderator of the municipality gets
        every one. POST writes a comment, or with `parent` a reply."""
        process, project = self._commented_project(code)
        if request.method == "GET":
            comments = comment_selectors.project_comments(
                project=project, viewer=request.user,
                include_hidden=request.user.has_perm("budgets.moderate_project_comment", process))
            return Response(ProjectCommentSerializer(comments, many=True).data)
        self._require("budgets.comment_project", project)
        serializer = ProjectCommentInputSerializer(data=request.data, context={"form_kwargs": {"project": project}})
        serializer.is_valid(raise_exception=True)
        comment = comment_services.project_comment_add(project=project, author=request.user,
                                                       body=serializer.validated_data["body"],
                                                       parent=serializer.validated_data["parent"])
        return Response(ProjectCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FlagSerializer, responses={201: None})
    @action(detail=True, methods=["post"], url_path=r"projects/(?P<code>[^/]+)/comments/(?P<comment_id>\d+)/flags",
            permission_classes=[IsAuthenticated])
    def project_comment_flags(self, request, pk=None, code=None, comment_id=None):
        """Report a comment on the project: a reason and, if you like, an explanation."""
        _process, project = self._commented_project(code)
        comment = comment_selectors.comment_get(pk=comment_id)
        if (comment is None or comment.project_id != project.pk
                or not request.user.has_perm("budgets.view_project_comment", comment)):
            raise NotFound()
        self._require("budgets.flag_project_comment", comment)
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment_services.project_comment_flag(comment=comment, user=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

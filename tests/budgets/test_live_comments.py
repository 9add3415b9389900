"""A project's page hears its new comments live, as an idea's page does: who may listen (the
page's own rule), and that a comment is heard once it is public, not while it waits for a
moderator. Over the real channel layer (Redis under CI)."""
import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from accounts.models import Role
from budgets.comments import services as comment_services
from budgets.models import BudgetProcess
from ideas import services as idea_services
from tests.asgi_server import serve_asgi
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def can_connect(host, path, cookie=None) -> bool:
    headers = {"Origin": f"http://{host}", **({"Cookie": cookie} if cookie else {})}
    try:
        async with connect(f"ws://{host}{path}", additional_headers=headers):
            return True
    except InvalidStatus:
        return False


def test_who_may_listen_to_a_projects_comments(process, municipality):
    project = process.projects.get(code="A")
    draft = BudgetProcessFactory(municipality=municipality)
    BudgetProcess.objects.filter(pk=draft.pk).update(draft=True)
    hidden = ProjectFactory(process=draft, code="X")
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    citizen_cookie, staff_cookie = cookie_for(UserFactory(municipality=municipality)), cookie_for(staff)

    async def scenario(host):
        assert await can_connect(host, f"/ws/budgets/projects/{project.pk}/"), "a public page: anyone"
        assert not await can_connect(host, f"/ws/budgets/projects/{hidden.pk + 100}/")
        assert not await can_connect(host, f"/ws/budgets/projects/{hidden.pk}/")
        assert not await can_connect(host, f"/ws/budgets/projects/{hidden.pk}/", citizen_cookie)
        assert await can_connect(host, f"/ws/budgets/projects/{hidden.pk}/", staff_cookie), "a draft: its staff"

    with serve_asgi() as host:
        asyncio.run(scenario(host))


def test_a_new_comment_is_heard_once_it_is_public(process, municipality):
    project, other = process.projects.get(code="A"), process.projects.get(code="B")
    author = UserFactory(municipality=municipality)
    moderator = UserFactory(municipality=municipality)
    MembershipFactory(user=moderator, municipality=municipality, role=Role.MODERATOR)

    async def scenario(host):
        async with connect(f"ws://{host}/ws/budgets/projects/{project.pk}/",
                           additional_headers={"Origin": f"http://{host}"}) as ws:
            await sync_to_async(comment_services.project_comment_add)(project=other, author=author, body="Andet")
            comment = await sync_to_async(comment_services.project_comment_add)(
                project=project, author=author, body="Gode gynger")
            message = json.loads(await asyncio.wait_for(ws.recv(), 3))
            assert message == {"event": "comment.new",
                               "payload": {"project": project.pk, "comment": comment.pk, "parent": None}}, \
                "only this project's comments, and only ids (the page shows the rest on reload)"
            # Waiting for a moderator, a comment is not announced; approved, it is.
            await sync_to_async(idea_services.idea_settings_update)(municipality=municipality, moderation_mode="pre")
            waiting = await sync_to_async(comment_services.project_comment_add)(
                project=project, author=author, body="Svar", parent=comment)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 1)
            await sync_to_async(comment_services.project_comment_approve)(actor=moderator, comment=waiting)
            message = json.loads(await asyncio.wait_for(ws.recv(), 3))
            assert message["payload"] == {"project": project.pk, "comment": waiting.pk, "parent": comment.pk}

    with serve_asgi() as host:
        asyncio.run(scenario(host))

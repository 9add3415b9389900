from channels.db import database_sync_to_async

from realtime.consumers import RelayConsumer

from .events import project_group, turnout_group
from .selectors import process_get, project_for_staff


class TurnoutConsumer(RelayConsumer):
    """Live turnout for the staff and council of the process's municipality."""

    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]

        @database_sync_to_async
        def allowed() -> bool:
            process = process_get(pk=pk)
            return process is not None and self.scope["user"].has_perm("budgets.view_turnout", process)

        return [turnout_group(pk)] if await allowed() else None


class ProjectConsumer(RelayConsumer):
    """New comments on a project's page, for whoever may see the page (a draft's only its
    municipality's staff: the same rule as the page, budgets.selectors.process_get)."""

    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]

        @database_sync_to_async
        def allowed() -> bool:
            project = project_for_staff(pk=pk)
            return project is not None and process_get(pk=project.process_id, user=self.scope["user"]) is not None

        return [project_group(pk)] if await allowed() else None

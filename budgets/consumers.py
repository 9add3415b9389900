from channels.db import database_sync_to_async

from realtime.consumers import RelayConsumer

from .events import turnout_group
from .selectors import process_get


class TurnoutConsumer(RelayConsumer):
    """Live turnout for the staff and council of the process's municipality."""

    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]

        @database_sync_to_async
        def allowed() -> bool:
            process = process_get(pk=pk)
            return process is not None and self.scope["user"].has_perm("budgets.view_turnout", process)

        return [turnout_group(pk)] if await allowed() else None

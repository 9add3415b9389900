from channels.db import database_sync_to_async

from realtime.consumers import RelayConsumer

from .events import programme_group
from .models import Programme


class ProgrammeSeatsConsumer(RelayConsumer):
    """Free seats of a programme's dinners, for anyone who can see the programme page.
    The events carry counts only — never who signed up or where."""

    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]

        @database_sync_to_async
        def exists() -> bool:
            return Programme.objects.filter(pk=pk).exists()

        return [programme_group(pk)] if await exists() else None

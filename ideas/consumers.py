"""Live groups for ideas: an idea page, a campaign's list, a municipality's moderation queue.
They only relay events; who may join is decided by the same rules as the pages."""
from __future__ import annotations

from channels.db import database_sync_to_async

from accounts.models import Municipality
from realtime.consumers import RelayConsumer

from .models import Campaign
from .selectors import idea_get
from .services.events import campaign_group, idea_group, moderation_group


class IdeaConsumer(RelayConsumer):
    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]

        @database_sync_to_async
        def allowed() -> bool:
            idea = idea_get(pk=pk)
            return idea is not None and self.scope["user"].has_perm("ideas.view_idea", idea)

        return [idea_group(pk)] if await allowed() else None


class CampaignConsumer(RelayConsumer):
    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]
        exists = await database_sync_to_async(Campaign.objects.filter(pk=pk).exists)()
        return [campaign_group(pk)] if exists else None


class ModerationQueueConsumer(RelayConsumer):
    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]

        @database_sync_to_async
        def allowed() -> bool:
            municipality = Municipality.objects.filter(pk=pk).first()
            return municipality is not None and self.scope["user"].has_perm("ideas.moderate", municipality)

        return [moderation_group(pk)] if await allowed() else None

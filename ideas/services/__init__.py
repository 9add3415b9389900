"""Every write to ideas goes through these functions (see docs/ARCHITECTURE.md, house style)."""
from .campaigns import (
    campaign_close,
    campaign_create,
    campaign_update,
    category_create,
    idea_settings_update,
)
from .ideas import (
    idea_follow,
    idea_submit,
    idea_support,
    idea_support_withdraw,
    idea_unfollow,
)
from .moderation import (
    comment_add,
    flag_add,
    moderation_approve,
    moderation_hide,
    moderation_restore,
)
from .staff import idea_merge, idea_roles_record, idea_status_change

__all__ = [
    "campaign_create", "campaign_update", "campaign_close", "category_create", "idea_settings_update",
    "idea_submit", "idea_support", "idea_support_withdraw", "idea_follow", "idea_unfollow",
    "comment_add", "flag_add", "moderation_approve", "moderation_hide", "moderation_restore",
    "idea_status_change", "idea_roles_record", "idea_merge",
]

"""Who may do what with campaigns, ideas and comments."""
import rules

from accounts.rules import is_moderator, is_staff_member

from .models import Visibility


@rules.predicate
def is_authenticated(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


@rules.predicate
def is_author(user, obj) -> bool:
    return getattr(user, "is_authenticated", False) and obj is not None and obj.author_id == user.pk


@rules.predicate
def is_publicly_visible(user, obj) -> bool:
    idea = getattr(obj, "idea", obj)
    own_visible = getattr(obj, "visibility", Visibility.VISIBLE) == Visibility.VISIBLE
    return own_visible and idea.visibility == Visibility.VISIBLE


@rules.predicate
def campaign_is_open(user, campaign) -> bool:
    return campaign is not None and campaign.is_open()


@rules.predicate
def idea_is_open_for_talk(user, idea) -> bool:
    return idea is not None and idea.merged_into_id is None


# Reading: the public sees what is visible; authors see their own (also pending or hidden,
# so they can read the reason); moderators and staff of the municipality see everything.
can_view = is_publicly_visible | is_author | is_moderator
rules.add_perm("ideas.view_idea", can_view)
rules.add_perm("ideas.view_comment", can_view)
rules.add_perm("ideas.submit_idea", is_authenticated & campaign_is_open)
rules.add_perm("ideas.support_idea", is_authenticated & is_publicly_visible & idea_is_open_for_talk)
rules.add_perm("ideas.follow_idea", is_authenticated & can_view)
rules.add_perm("ideas.comment_idea", is_authenticated & is_publicly_visible & idea_is_open_for_talk)
rules.add_perm("ideas.flag", is_authenticated & is_publicly_visible & ~is_author)
rules.add_perm("ideas.moderate", is_moderator)
rules.add_perm("ideas.view_history", is_moderator)
rules.add_perm("ideas.change_status", is_staff_member)
rules.add_perm("ideas.record_roles", is_staff_member)
rules.add_perm("ideas.merge", is_staff_member)
rules.add_perm("ideas.enter_on_behalf", is_staff_member)
rules.add_perm("ideas.manage_campaigns", is_staff_member)
rules.add_perm("ideas.manage_settings", is_staff_member)

"""Who may do what in participatory budgets."""
import rules

from accounts.rules import is_council_member, is_moderator, is_staff_member
from ideas.models import Visibility

from .models import COMMENT_PHASES, Phase, Voters


def _in_phase(*phases):
    @rules.predicate
    def predicate(user, process) -> bool:
        return process is not None and getattr(process, "phase", None) in phases

    return predicate


@rules.predicate
def is_draft(user, process) -> bool:
    """Being set up (budgets.setup): the municipality's staff alone see it."""
    return process is not None and getattr(process, "draft", False)


@rules.predicate
def is_authenticated(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


@rules.predicate
def comments_open(user, project) -> bool:
    """The project's process is published and in a phase for comments (COMMENT_PHASES)."""
    process = getattr(project, "process", None)
    return process is not None and not process.draft and process.phase in COMMENT_PHASES


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return getattr(user, "is_authenticated", False) and comment is not None and comment.author_id == user.pk


@rules.predicate
def comment_is_public(user, comment) -> bool:
    """Published, on a project of a published process (no draft's comments in public)."""
    return (comment is not None and comment.visibility == Visibility.VISIBLE
            and not comment.project.process.draft)


@rules.predicate
def votes_online(user, process) -> bool:
    """An account votes online in a census process only with an e-ID verification (the
    census then decides: budgets.eligibility.census_voter_online), never on its profile."""
    if process.voters == Voters.ACCOUNTS:
        return True
    return getattr(user, "verification", None) is not None


# The phase comes first: out of its phase an action is refused as such, before a privileged
# role without a second factor would be asked to set one up (accounts.mfa).
rules.add_perm("budgets.view_process", ~is_draft | is_staff_member)
# On a municipality: start a new draft.
rules.add_perm("budgets.create_process", is_staff_member)
rules.add_perm("budgets.set_up_process", is_draft & is_staff_member)
rules.add_perm("budgets.propose_project", is_authenticated & ~is_draft & _in_phase(Phase.PROPOSALS))
rules.add_perm("budgets.vote", is_authenticated & ~is_draft & _in_phase(Phase.VOTING) & votes_online)
rules.add_perm("budgets.manage_process", is_staff_member)
rules.add_perm("budgets.review_project", ~is_draft & _in_phase(Phase.PROPOSALS, Phase.REVIEW) & is_staff_member)
rules.add_perm("budgets.generate_codes", ~is_draft & ~_in_phase(Phase.RESULTS, Phase.IMPLEMENTATION)
               & is_staff_member)
rules.add_perm("budgets.view_turnout", is_staff_member | is_council_member)
rules.add_perm("budgets.review_result", _in_phase(Phase.COUNCIL_REVIEW) & is_council_member)
rules.add_perm("budgets.enter_paper_ballots", _in_phase(Phase.VOTING, Phase.COUNCIL_REVIEW) & is_staff_member)
rules.add_perm("budgets.post_progress", _in_phase(Phase.IMPLEMENTATION) & is_staff_member)
rules.add_perm("budgets.prepare_box", ~is_draft & _in_phase(Phase.PROPOSALS, Phase.REVIEW) & is_staff_member)
rules.add_perm("budgets.open_box", _in_phase(Phase.COUNCIL_REVIEW) & is_council_member)

# Comments on projects (budgets.comments), as on ideas: a signed-in person comments while the
# process is in a phase for comments and reports others' published comments; the
# municipality's moderators (staff and admins too) see and decide on every comment, the
# author sees their own whatever its state (to read why it waits or was hidden).
rules.add_perm("budgets.comment_project", is_authenticated & comments_open)
rules.add_perm("budgets.view_project_comment", comment_is_public | is_comment_author | is_moderator)
rules.add_perm("budgets.flag_project_comment", is_authenticated & comment_is_public & ~is_comment_author)
rules.add_perm("budgets.moderate_project_comment", is_moderator)

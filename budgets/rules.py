"""Who may do what in participatory budgets."""
import rules

from accounts.rules import is_council_member, is_staff_member

from .models import Phase, Voters


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

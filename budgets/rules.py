"""Who may do what in participatory budgets."""
import rules

from accounts.rules import is_council_member, is_staff_member

from .models import Phase


def _in_phase(*phases):
    @rules.predicate
    def predicate(user, process) -> bool:
        return process is not None and getattr(process, "phase", None) in phases

    return predicate


@rules.predicate
def is_authenticated(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


rules.add_perm("budgets.propose_project", is_authenticated & _in_phase(Phase.PROPOSALS))
rules.add_perm("budgets.vote", is_authenticated & _in_phase(Phase.VOTING))
rules.add_perm("budgets.manage_process", is_staff_member)
rules.add_perm("budgets.review_project", is_staff_member & _in_phase(Phase.PROPOSALS, Phase.REVIEW))
rules.add_perm("budgets.generate_codes", is_staff_member & ~_in_phase(Phase.RESULTS, Phase.IMPLEMENTATION))
rules.add_perm("budgets.view_turnout", is_staff_member | is_council_member)
rules.add_perm("budgets.review_result", is_council_member & _in_phase(Phase.COUNCIL_REVIEW))
rules.add_perm("budgets.enter_paper_ballots", is_staff_member & _in_phase(Phase.VOTING, Phase.COUNCIL_REVIEW))
rules.add_perm("budgets.post_progress", is_staff_member & _in_phase(Phase.IMPLEMENTATION))
rules.add_perm("budgets.prepare_box", is_staff_member & _in_phase(Phase.PROPOSALS, Phase.REVIEW))
rules.add_perm("budgets.open_box", is_council_member & _in_phase(Phase.COUNCIL_REVIEW))

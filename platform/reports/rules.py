"""Who may see reports and run the co-creation questionnaire."""
import rules

from accounts.rules import is_council_member, is_staff_member

# The dashboard and the reports API: staff and council of the municipality (and its admins).
rules.add_perm("reports.view_reports", is_staff_member | is_council_member)
# Inviting people to the co-creation questionnaire and reading everyone's answers.
rules.add_perm("reports.manage_cocreation", is_staff_member)

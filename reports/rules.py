"""Who may see reports, keep the innovation registry and run the co-creation questionnaire."""
import rules

from accounts.rules import is_council_member, is_staff_member

# The Innovation Barometer's outcome figures (the dashboard page, its charts and tables):
# everyone, signed in or not, as the README promises; they are aggregates of innovations and
# participation, never a person or a single record.
rules.add_perm("reports.view_barometer", rules.always_allow)
# The reports API: staff and council of the municipality (and its admins). Innovation records,
# their exports and the co-creation answers have their own rules (below).
rules.add_perm("reports.view_reports", is_staff_member | is_council_member)
# Innovation records: staff register and edit them; councils read them (and the reports).
rules.add_perm("reports.view_innovations", is_staff_member | is_council_member)
rules.add_perm("reports.manage_innovations", is_staff_member)
# Inviting people to the co-creation questionnaire and reading everyone's answers.
rules.add_perm("reports.manage_cocreation", is_staff_member)

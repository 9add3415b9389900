"""What ideas tells the layers above it, without knowing them (docs/ARCHITECTURE.md, layers).

`idea_implemented` is sent when staff move an idea to "implemented", inside the transaction of
`ideas.services.idea_status_change`, after the idea is saved with its new status. Receivers
run in that transaction: what they write commits with the status change, and an error in one
undoes the whole change. reports connects it in its AppConfig.ready(): the implemented idea
becomes an innovation record carrying the citizens' roles.
"""
from django.dispatch import Signal

#: Sent with `idea` (the Idea, locked for update and saved as implemented).
idea_implemented = Signal()

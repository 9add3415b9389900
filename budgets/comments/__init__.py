"""Comments on budget projects, made as ideas' comments are and moderated with them.

A signed-in person comments on a project (and replies one level) while its process is in a
phase for comments (budgets.models.COMMENT_PHASES); the municipality's moderation settings
(ideas.models.IdeaSettings) decide whether a comment waits for a moderator first, and how
many reports hide it until one has looked. The comments and their reports are in the one
moderation queue (ideas.moderation_sources, registered in budgets.apps); a hidden comment's
author is told why through the outbox (budgets.notices). A comment names its author as idea
comments do, by their public name, and nothing of how anyone voted.

`services` writes, `selectors` reads, `moderation` is the queue's source.
"""

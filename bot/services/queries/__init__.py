"""Named reads the chat flows need, one module per feature.

Flows never reach a repository: they ask here (or a use case in `bot.services`), passing
the unit of work they were given. Each function reads; none writes or commits.
"""

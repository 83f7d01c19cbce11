"""Use cases. Each runs inside one unit of work (one per update or job) and calls the
pure rules in `bot.domain`. The ports they need are declared in `ports`."""

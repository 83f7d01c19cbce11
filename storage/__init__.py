"""SQLAlchemy 2 storage: tables, the mapping of domain classes, repositories and the
unit of work. Implements the ports declared in `bot.services.ports`."""

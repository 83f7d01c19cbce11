"""The demo: believable owners to try the bot with (`ownerbot demo seed`, and an empty
database when `prepare_database(seed_demo_if_empty=True)`). Not a use case: kept out
of bot.services, which it drives like any other caller."""

"""Channel-agnostic conversation flows: an `Event` in, `Screen`s out.

One module per feature, each with its own `Router`; `handlers.dispatcher` merges them.
Flows call `bot.services` for anything that changes data and never import a chat
framework, SQLAlchemy or the network.
"""

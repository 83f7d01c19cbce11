"""What the aiogram and python-telegram-bot runtimes share, one concern a module.

Both libraries parse Telegram's JSON into objects with the same attribute names, so
one set of structural types (`objects`) covers both, and everything that is not about
a library's API lives here once:

- `objects`: the shape of Telegram's updates, as both libraries expose them;
- `updates`: a Telegram update becomes zero or more `Event`s;
- `errors`: a library's exception, mapped to a `Failure` the rest can act on;
- `port`: what a runtime supplies (`TelegramPort`) and the `Markup` it renders;
- `retry`: Telegram's error rules (429 retry_after, network back-off);
- `rendering`: the Bot API calls one screen takes;
- `pipeline`: per-chat FIFO processing, screen delivery, callback answers;
- `commands`: the command menu per shipped language (setMyCommands);
- `webhook`: an aiohttp endpoint that checks Telegram's secret token;
- `outbox`: the care sender's transport to Telegram;
- `serving`: the life cycle both runtimes share (polling or webhook, then shutdown).
"""

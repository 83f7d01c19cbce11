"""The WhatsApp channel (Cloud API), one concern a module:

- `client`: a thin typed client over the Graph API (send, upload media), on aiohttp;
- `errors`: the Graph API's error codes, mapped to what the sender and the pipeline do;
- `webhook`: the GET subscription check and the signed POST (X-Hub-Signature-256);
- `updates`: a webhook payload becomes `Event`s (and delivery failures);
- `formatting`: our HTML as WhatsApp's *bold* / _italic_ / ```code```;
- `rendering`: one screen becomes WhatsApp messages within the platform's limits;
- `templates`: approved template messages, for outside the 24-hour window;
- `outbox`: the care sender's transport; `serving`: the channel's life cycle.

Why not pywa: see docs/architecture.md ("Channels").
"""

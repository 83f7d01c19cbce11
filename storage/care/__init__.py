"""The care messages' storage (bot/services/ports/care.py): the outbox and survey
answers, and the planner, whose rules are set-based statements grouped by the stage of
ownership they follow (ownership.py, service.py, engagement.py)."""

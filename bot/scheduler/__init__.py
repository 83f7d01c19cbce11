"""APScheduler wiring, the care planner job and the outbox sender."""

"""The points ledger's storage, one repository per aggregate (bot/services/ports/loyalty.py):
accounts and status awards, lots, the journal and spends, rewards and redemptions."""

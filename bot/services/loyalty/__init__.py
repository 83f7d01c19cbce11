"""The points ledger: the single way points change (docs/architecture.md).

- `earn`: awards (idempotent on source, source id and rule), reversals, the visit events
- `rewards`: redemptions, voucher cancellation and use at the dealer
- `adjustments`: staff corrections with a reason
- `tiers`: promotion as status points come in, the yearly review, the owner's tier
- `statement`: what the owner sees (balance, pending, expiring, progress, history)
- `expiry`: the nightly job that closes expired lots and vouchers
- `ledger`: the primitives they share (the account lock, spending from lots, balance)
"""

"""ownerbot: keeps car owners close to their brand, in their own language."""

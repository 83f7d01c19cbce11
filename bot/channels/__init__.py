"""Channel adapters: turn platform updates into `Event`s and send `Screen`s back."""

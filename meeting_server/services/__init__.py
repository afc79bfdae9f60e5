"""Changes to the domain: one transaction each, with the events they log."""

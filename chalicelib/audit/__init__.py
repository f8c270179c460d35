"""Who changed what and when: the audit log of state changes."""

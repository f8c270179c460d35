"""What each user wants to be told and how each brand words it: per-user
preferences per notification kind, and per-brand templates (ru, en)."""

"""The creative library and duplicate photo detection."""

"""The brand's catalogue of marketing channels and the proof each one needs."""

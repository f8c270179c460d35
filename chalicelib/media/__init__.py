"""The creative library, and report photos: upload, fingerprints, duplicate
detection, flags and decisions."""

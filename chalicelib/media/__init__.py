"""Report photos: upload, fingerprints, duplicate detection, flags and decisions."""

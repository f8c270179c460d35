"""Sales, traffic and call-tracking sources, network analytics and the BI export,
converted at the border."""

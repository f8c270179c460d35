"""The brand's network: brand settings and its dealers."""

"""Fakes of the outside systems the integrations talk to, over loopback HTTP."""

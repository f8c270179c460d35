"""Dealer marketing management: the code behind the Chalice app in app.py."""

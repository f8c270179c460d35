"""Dealer budgets by period and channel, and the ledger their balances come from."""

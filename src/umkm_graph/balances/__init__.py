"""What the platform owes each shop: the balance ledger, payouts to the shops' bank accounts, and their reads."""

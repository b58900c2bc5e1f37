"""Users and their roles, and API tokens for machine clients.

KYB/KYC, suitability and admittance review build on this app (issue 3).
"""

"""The vendor console on the public site: staff log in with a password and TOTP, then onboard customers."""

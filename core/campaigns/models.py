"""Models of campaigns (see the app's services for the rules)."""

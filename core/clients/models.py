"""Models of clients (see the app's services for the rules)."""

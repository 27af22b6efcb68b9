"""Models of qualification (see the app's services for the rules)."""

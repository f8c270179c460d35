"""The in-app notification feed and the e-mails sent with it."""

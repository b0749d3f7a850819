"""Flask blueprints and Jinja templates of the thin admin pages (sign-in, accounts, and later the
civilized-units process and the approvals desk)."""

"""System pages: audit (auditor), and later accounts and configuration."""

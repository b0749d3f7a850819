"""Decision-cockpit boards for leaders' wall displays and analysts."""

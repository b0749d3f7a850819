"""Admin-category Dash pages: statistics of the civilized-units process (the workflow itself lives in the
thin admin pages under /admin/civilized/)."""

"""Pure-numpy math core: every number, curve and marker the video shows comes from here."""

"""Publishing to YouTube: local checks of the package, OAuth with the user's own client, the Data API upload."""

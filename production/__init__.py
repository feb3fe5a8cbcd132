"""Everything after a scene exists: rendering, assembly, encoding, captions, slides, upload."""

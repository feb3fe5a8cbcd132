"""The YouTube package in media/final/<package>/: assembly, the stream-copy join and the soundtrack, captions,
chapter lines, description, thumbnail, and the contact sheet."""

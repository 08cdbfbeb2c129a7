"""The booth's fullscreen app: session logic, media, screens."""

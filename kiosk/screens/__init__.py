"""One Kivy screen per file; each shows what the citizen needs at that step."""

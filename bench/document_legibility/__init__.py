"""How legible a document is to the official: the still path against the 720p video path (see __main__)."""

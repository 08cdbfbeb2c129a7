"""etapiste."""

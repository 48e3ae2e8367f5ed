"""Evidence that stands outside the database: the transparency log over every audit chain,
signed checkpoints, verification against them, the offline inspector bundle and the dossier."""

"""Ground floor shared by every layer: the domain's fixed vocabularies and the one clock."""

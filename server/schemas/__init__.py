"""Request and response models, one module per resource, plus what they share."""

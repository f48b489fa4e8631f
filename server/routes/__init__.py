"""One APIRouter per resource; its request and response models are in ../schemas/."""

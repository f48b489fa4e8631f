"""Export the 8×8 handwritten digits once from scikit-learn's bundled copy to
engine/nets/data/digits.npz (pixels 0..16 as uint8, labels as uint8). scikit-learn
is needed only here, never at run time: `pip install scikit-learn`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).resolve().parent.parent / "engine" / "nets" / "data" / "digits.npz"


def main() -> None:
    digits = load_digits()
    images = digits.data.astype(np.uint8)  # 1797 × 64, each pixel a count 0..16
    labels = digits.target.astype(np.uint8)
    assert images.shape == (1797, 64) and images.max() == 16
    np.savez_compressed(OUT, images=images, labels=labels)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

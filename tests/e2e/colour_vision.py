"""Colour-vision deficiency simulation (Machado, Oliveira and Fernandes 2009,
severity 1.0, applied in linear RGB) and CIE76 colour difference in CIELAB."""

from __future__ import annotations

import numpy as np

MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def hex_to_rgb(colour: str) -> np.ndarray:
    colour = colour.strip()
    if colour.startswith("rgb"):
        return np.array([float(c) for c in colour[colour.index("(") + 1:-1].split(",")[:3]]) / 255
    colour = colour.lstrip("#")
    return np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)]) / 255


def to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(rgb: np.ndarray, kind: str | None) -> np.ndarray:
    """Linear RGB as seen with the deficiency (None: as is)."""
    lin = to_linear(rgb)
    return lin if kind is None else np.clip(MACHADO[kind] @ lin, 0, 1)


def lab(lin: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, kind: str | None) -> float:
    return float(np.linalg.norm(lab(simulate(hex_to_rgb(a), kind))
                                - lab(simulate(hex_to_rgb(b), kind))))

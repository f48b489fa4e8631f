"""chainrule.Tensor: the numpy-backed counterpart of Value, with the same
operators and methods; its `.grad` is an array of its shape."""

from __future__ import annotations

import numpy as np

from .value import Node


class Tensor(Node):
    """A float64 array of at least one dimension: `Tensor([[1, 2], [3, 4]], label="W")`."""

    __slots__ = ()

    def __init__(self, data, label: str = "", **kw):
        if isinstance(data, Node):
            raise TypeError("Tensor(...) takes numbers; this is already a recorded value")
        try:
            array = np.array(data, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"Tensor needs numbers (a list or an array), not "
                            f"{type(data).__name__}") from None
        if array.ndim == 0:
            raise TypeError("Tensor holds at least one dimension; a number is a chainrule.Value")
        super().__init__(array, label, **kw)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape


Node._tensor_class = Tensor

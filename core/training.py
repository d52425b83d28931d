"""What a training run reports, shared by every page that trains in the browser.

Kept free of Keras so that pages can hold a history without importing TensorFlow; the
Keras callback that fills it is in `core.keras_callbacks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """Metrics per finished epoch, and how long each took."""

    metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False  # True when Stop was pressed before the last epoch

    @property
    def epochs(self) -> int:
        return len(self.seconds)

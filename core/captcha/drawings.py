"""Training the captcha reader on captchas and synthetic drawings together, so that it reads a mouse drawing too."""

from __future__ import annotations

import keras
import numpy as np

from core.captcha.handwriting import pad_labels, synthetic_batch
from core.captcha.reader import CaptchaData
from core.shared.fitting import EarlyStop, fit
from core.shared.training import History, TrainingHooks


class CaptchaAndDrawingBatches(keras.utils.PyDataset):
    """Real captchas (`captcha_share` of each batch, half by default) and synthetic drawings of random texts,
    new ones in every batch.

    A batch's drawings depend only on (seed, epoch, index), so the two worker threads that
    prepare batches while the model trains give the same data as one would.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        batch_size: int,
        steps: int,
        seed: int = 0,
        workers: int = 2,
        captcha_share: float = 0.5,
    ) -> None:
        if not 0 <= captcha_share <= 1:
            raise ValueError(f"captcha_share is a share of each batch, from 0 to 1; got {captcha_share}.")
        super().__init__(workers=workers)
        self.images, self.labels = images, pad_labels(labels)  # (n, 200, 50, 1), (n, 6)
        self.batch_size, self.steps, self.seed = batch_size, steps, seed
        self.captchas_per_batch = round(batch_size * captcha_share)
        self.epoch = 0

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng((self.seed, self.epoch, index))
        real = rng.choice(len(self.images), self.captchas_per_batch, replace=False)
        if len(real) == self.batch_size:  # captchas only
            return self.images[real], self.labels[real]
        drawn_images, drawn_labels, _ = synthetic_batch(self.batch_size - len(real), rng)
        return np.concatenate([self.images[real], drawn_images]), np.concatenate([self.labels[real], drawn_labels])

    def on_epoch_end(self) -> None:
        self.epoch += 1


def train_with_drawings(
    model,
    data: CaptchaData,
    epochs: int = 40,
    steps_per_epoch: int = 150,
    batch_size: int = 32,
    patience: int = 6,
    validation_drawings: int = 300,
    seed: int = 0,
    captcha_share: float = 0.5,
    hooks: TrainingHooks | None = None,
) -> History:
    """Fit on captchas and synthetic drawings together; validate on held-out captchas plus fixed drawings.

    Returns:
        The `History` filled epoch by epoch.
    """
    drawn_x, drawn_y, _ = synthetic_batch(validation_drawings, np.random.default_rng((seed, 10_000)))
    validation = (np.concatenate([data.x_valid, drawn_x]), np.concatenate([pad_labels(data.y_valid), drawn_y]))
    batches = CaptchaAndDrawingBatches(
        data.x_train, data.y_train, batch_size, steps_per_epoch, seed, captcha_share=captcha_share
    )
    return fit(
        model,
        batches,
        validation,
        epochs,
        hooks=hooks,
        early_stop=EarlyStop("val_loss", patience),
    )

"""What every "ship a model" recipe shares: progress printed epoch by epoch, and the summary written beside the model."""

from __future__ import annotations

from core.shared.assets import ModelSummary, this_command, training_machine
from core.shared.training import History, TrainingHooks


def epoch_printer(epochs: int) -> TrainingHooks:
    """Hooks that print every metric of each finished epoch, and its time."""

    def report(history: History) -> None:
        metrics = " ".join(f"{name}={values[-1]:.4f}" for name, values in history.metrics.items())
        print(f"epoch {history.epochs}/{epochs} {metrics} time={history.seconds[-1]:.1f}s", flush=True)

    return TrainingHooks(on_epoch=report)


def trained_summary(model, history: History, seconds: float, figures: dict) -> ModelSummary:
    """The summary a train command writes beside its model: this very command, its time, curves and figures."""
    return ModelSummary(
        command=this_command(),
        parameters=model.count_params(),
        epochs=history.epochs,
        train_seconds=round(seconds, 1),
        trained_on=training_machine(),
        figures=figures,
        history=history.metrics,
    )

"""Command line: train the app's pretrained models and evaluate them.

python -m core train forecast --out assets/models/forecast_lstm.keras
python -m core train cifar10 --variant basic --out assets/models/cifar10_basic.keras
python -m core evaluate cifar10 --model assets/models/cifar10_basic.keras --data DIR
python -m core synthesise digits --out DIR        # needs espeak-ng; for train speech --synthetic DIR
python -m core train speech [--synthetic DIR]
python -m core evaluate speech --model assets/models/spoken_digits.keras --data DIR [--enrol K]

Each topic declares its own commands (`COMMANDS` in `core/<topic>/recipes.py`); this gathers them.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import pkgutil

import core
from core.shared.commands import GROUPS, Command
from core.shared.datasets import DatasetUnavailable


def topic_commands() -> list[Command]:
    """Every topic's commands: each package of `core` with a `recipes` module declares its own."""
    commands: list[Command] = []
    for package in pkgutil.iter_modules(core.__path__):
        if package.ispkg and importlib.util.find_spec(f"core.{package.name}.recipes") is not None:
            commands += importlib.import_module(f"core.{package.name}.recipes").COMMANDS
    return commands


def command_line(commands: list[Command]) -> argparse.ArgumentParser:
    """`python -m core <group> <name> …`, one subcommand for each of `commands`."""
    parser = argparse.ArgumentParser(prog="python -m core", description="Train the app's pretrained models.")
    groups = parser.add_subparsers(dest="command", required=True)
    targets = {
        group: groups.add_parser(group, help=text).add_subparsers(dest="target", required=True)
        for group, text in GROUPS.items()
    }
    for command in commands:
        subcommand = targets[command.group].add_parser(command.name, help=command.help)
        command.arguments(subcommand)
        subcommand.set_defaults(run=command.run)
    return parser


def main() -> None:
    parser = command_line(topic_commands())
    args = parser.parse_args()
    if args.command == "evaluate" and not args.model.is_file():
        parser.exit(2, f"There is no model file at {args.model}.\n")
    try:
        args.run(args)
    except DatasetUnavailable as problem:  # a folder a user named: one sentence, not a traceback
        parser.exit(2, f"{problem}\n")


if __name__ == "__main__":
    main()

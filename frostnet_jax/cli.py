"""Command line: `python -m frostnet_jax {bench,report,evaluate,data} ...`."""
from __future__ import annotations

import argparse
import sys

from frostnet_jax import __version__
from frostnet_jax.bench import commands as bench_commands
from frostnet_jax.data import cli as data_cli
from frostnet_jax.errors import FrostNetError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m frostnet_jax",
        description="FrostNet-JAX: benchmark anomaly detectors on cryogenic temperature series.")
    parser.add_argument("--version", action="version", version=f"frostnet-jax {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench_commands.register(sub)
    data_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FrostNetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

"""`python -m frostnet_jax data ...` subcommands (export, fetch, gallery)."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `data` command and its subcommands to the top-level parser."""
    parser = subparsers.add_parser("data", help="export, fetch and plot datasets")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)

"""The errors FrostNet-JAX raises: each message says what was wrong and how to fix it."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class FrostNetError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(FrostNetError, ValueError):
    """A name, hyperparameter, suite file or option is wrong."""


class DataError(FrostNetError, ValueError):
    """Input data is malformed: shape, NaN, length, labels, file format."""


class NotFittedError(FrostNetError, RuntimeError):
    """`score` was called before `fit`."""


class TrainingError(FrostNetError, RuntimeError):
    """Training diverged (NaN or inf loss) or could not proceed."""


class CheckpointError(FrostNetError, ValueError):
    """A saved detector or result file is corrupt or does not match."""


def unknown_name_message(kind: str, name: str, known: Iterable[str]) -> str:
    """'unknown detector 'zscroe'; did you mean 'zscore'? Known: ...'."""
    known = sorted(known)
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"Unknown {kind} {name!r}.{hint} Known {kind}s: {', '.join(known) or '(none)'}."
